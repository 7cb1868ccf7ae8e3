import CDealOpenSSLShims
import COpenSSL

/// OpenSSL's own figure: a client and a server `SSL` over memory BIOs in one thread, no NIO, no sockets.
///
/// Bytes move between the BIOs through a scratch buffer, as the handler moves them through ByteBuffers, so the
/// comparison isolates what NIO, the handler and the kernel add.
final class MemoryBIOBench {
    private let serverContext: OpaquePointer
    private let clientContext: OpaquePointer
    private let server: OpaquePointer
    private let client: OpaquePointer
    private let serverIn: OpaquePointer
    private let serverOut: OpaquePointer
    private let clientIn: OpaquePointer
    private let clientOut: OpaquePointer
    private var scratch = [UInt8](repeating: 0, count: 4 << 20)
    private var plaintext = [UInt8](repeating: 0x5A, count: 1 << 20)

    init(certificateFile: String, keyFile: String) {
        self.serverContext = SSL_CTX_new(TLS_server_method())!
        self.clientContext = SSL_CTX_new(TLS_client_method())!
        precondition(SSL_CTX_use_certificate_chain_file(self.serverContext, certificateFile) == 1)
        precondition(SSL_CTX_use_PrivateKey_file(self.serverContext, keyFile, SSL_FILETYPE_PEM) == 1)
        _ = CDealOpenSSL_SSL_CTX_set_min_proto_version(self.serverContext, TLS1_3_VERSION)
        _ = CDealOpenSSL_SSL_CTX_set_min_proto_version(self.clientContext, TLS1_3_VERSION)
        SSL_CTX_set_verify(self.clientContext, SSL_VERIFY_NONE, nil)
        self.server = SSL_new(self.serverContext)!
        self.client = SSL_new(self.clientContext)!
        self.serverIn = BIO_new(BIO_s_mem())!
        self.serverOut = BIO_new(BIO_s_mem())!
        self.clientIn = BIO_new(BIO_s_mem())!
        self.clientOut = BIO_new(BIO_s_mem())!
        SSL_set_bio(self.server, self.serverIn, self.serverOut)
        SSL_set_bio(self.client, self.clientIn, self.clientOut)
        SSL_set_accept_state(self.server)
        SSL_set_connect_state(self.client)
        var clientDone = false
        var serverDone = false
        while !(clientDone && serverDone) {
            clientDone = SSL_do_handshake(self.client) == 1
            self.shuttle(from: self.clientOut, to: self.serverIn)
            serverDone = SSL_do_handshake(self.server) == 1
            self.shuttle(from: self.serverOut, to: self.clientIn)
        }
        // Consume the session tickets so they do not count against the first measurement.
        _ = self.plaintext.withUnsafeMutableBytes { SSL_read(self.client, $0.baseAddress, 1) }
    }

    deinit {
        SSL_free(self.server)
        SSL_free(self.client)
        SSL_CTX_free(self.serverContext)
        SSL_CTX_free(self.clientContext)
    }

    var cipher: String {
        String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(self.client)))
    }

    private func shuttle(from source: OpaquePointer, to destination: OpaquePointer) {
        self.scratch.withUnsafeMutableBytes { scratch in
            while CDealOpenSSL_BIO_pending(source) > 0 {
                let count = BIO_read(source, scratch.baseAddress, Int32(scratch.count))
                guard count > 0 else {
                    return
                }
                _ = BIO_write(destination, scratch.baseAddress, count)
            }
        }
    }

    private func drain(_ source: OpaquePointer) {
        self.scratch.withUnsafeMutableBytes { scratch in
            while CDealOpenSSL_BIO_pending(source) > 0 {
                guard BIO_read(source, scratch.baseAddress, Int32(scratch.count)) > 0 else {
                    return
                }
            }
        }
    }

    private func readAll(_ ssl: OpaquePointer) -> Int {
        var total = 0
        self.plaintext.withUnsafeMutableBytes { buffer in
            while true {
                let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
                if count <= 0 {
                    return
                }
                total += Int(count)
            }
        }
        return total
    }

    /// Encrypts and decrypts `mebibytes` MiB on this thread; returns MiB/s of plaintext moved.
    func encryptAndDecrypt(mebibytes: Int) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        // CPU time rather than wall time: this machine is shared, and a descheduled thread is not OpenSSL's cost.
        let cpuStart = LoopbackBench.processCPUSeconds()
        for _ in 0..<mebibytes {
            _ = self.plaintext.withUnsafeBytes { SSL_write(self.client, $0.baseAddress, Int32($0.count)) }
            self.shuttle(from: self.clientOut, to: self.serverIn)
            _ = self.readAll(self.server)
        }
        _ = start
        return Double(mebibytes) / (LoopbackBench.processCPUSeconds() - cpuStart)
    }

    /// Only encrypts (the ciphertext is discarded), so the session is useless afterwards; returns MiB/s.
    func encryptOnly(mebibytes: Int) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        // CPU time rather than wall time: this machine is shared, and a descheduled thread is not OpenSSL's cost.
        let cpuStart = LoopbackBench.processCPUSeconds()
        for _ in 0..<mebibytes {
            _ = self.plaintext.withUnsafeBytes { SSL_write(self.client, $0.baseAddress, Int32($0.count)) }
            self.drain(self.clientOut)
        }
        _ = start
        return Double(mebibytes) / (LoopbackBench.processCPUSeconds() - cpuStart)
    }

    /// Ping-pongs `messageSize` bytes between the two sessions for about `seconds`; returns round trips per second.
    func pingPong(messageSize: Int, seconds: Double) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        // CPU time rather than wall time: this machine is shared, and a descheduled thread is not OpenSSL's cost.
        let cpuStart = LoopbackBench.processCPUSeconds()
        var count = 0
        while true {
            _ = self.plaintext.withUnsafeBytes { SSL_write(self.client, $0.baseAddress, Int32(messageSize)) }
            self.shuttle(from: self.clientOut, to: self.serverIn)
            _ = self.readAll(self.server)
            _ = self.plaintext.withUnsafeBytes { SSL_write(self.server, $0.baseAddress, Int32(messageSize)) }
            self.shuttle(from: self.serverOut, to: self.clientIn)
            _ = self.readAll(self.client)
            count += 1
            if count % 1024 == 0 && (clock.now - start).seconds >= seconds {
                break
            }
        }
        return Double(count) / (LoopbackBench.processCPUSeconds() - cpuStart)
    }

    /// Raw AES-GCM encryption through EVP (what `openssl speed -evp aes-*-gcm` measures), 16 KiB blocks, MiB/s.
    static func rawAESGCM(keyBits: Int) -> Double {
        guard let context = EVP_CIPHER_CTX_new() else {
            return 0
        }
        defer { EVP_CIPHER_CTX_free(context) }
        let key = [UInt8](repeating: 7, count: 32)
        let iv = [UInt8](repeating: 9, count: 12)
        let cipher = keyBits == 256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm()
        guard EVP_EncryptInit_ex(context, cipher, nil, key, iv) == 1 else {
            return 0
        }
        let input = [UInt8](repeating: 0x5A, count: 16_384)
        var output = [UInt8](repeating: 0, count: 16_384 + 32)
        var length: Int32 = 0
        let clock = ContinuousClock()
        let start = clock.now
        // CPU time rather than wall time: this machine is shared, and a descheduled thread is not OpenSSL's cost.
        let cpuStart = LoopbackBench.processCPUSeconds()
        var blocks = 0
        while true {
            _ = EVP_EncryptUpdate(context, &output, &length, input, Int32(input.count))
            blocks += 1
            if blocks % 1024 == 0 && (clock.now - start).seconds >= 1 {
                break
            }
        }
        return Double(blocks) / 64 / (LoopbackBench.processCPUSeconds() - cpuStart)
    }
}
