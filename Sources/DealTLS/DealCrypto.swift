import COpenSSL

/// The crypto primitives other modules need, from the system's OpenSSL: the one module that links COpenSSL is this
/// one, so no second copy of OpenSSL's calling conventions lives in the server.
public enum DealCrypto {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let input = Array(bytes)
        input.withUnsafeBytes { input in
            _ = digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        return digest
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    ///
    /// Traps when the generator fails: there is no safe fallback for key material, and OpenSSL only fails when
    /// it cannot seed itself at all.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        precondition(ok == 1, "OpenSSL's random generator failed")
        return bytes
    }
}
