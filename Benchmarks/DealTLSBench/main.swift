import DealTLS
import Foundation
import NIOCore
import NIOPosix

// dealtls-bench: how much of OpenSSL's own speed DealTLSHandler keeps over loopback.
// Build and run in release: swift run -c release dealtls-bench [runs]

/// Unbuffered output, so progress shows up even when the output goes to a file or pipe.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func format(_ value: Double) -> String {
    String(format: "%.0f", value)
}

let runs = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5 : 5
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealtls-bench-\(UUID().uuidString)").path
let files = try DealDevelopmentCA.create(in: directory)
defer { try? FileManager.default.removeItem(atPath: directory) }

let serverContext = try DealTLSContext(
    configuration: .server(
        certificateChainFile: files.serverCertificateFile,
        privateKeyFile: files.serverPrivateKeyFile
    )
)
var clientConfiguration = DealTLSConfiguration.client(trustRootsFile: files.caCertificateFile)
clientConfiguration.serverHostname = "localhost"
let clientContext = try DealTLSContext(configuration: clientConfiguration)

let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
let tls = LoopbackBench(group: group, serverContext: serverContext, clientContext: clientContext)
let plain = LoopbackBench(group: group, serverContext: nil, clientContext: nil)

say("dealtls-bench: \(DealTLSLibrary.versionString), \(runs) runs each, medians reported")

var tlsBulk: [Double] = []
var plainBulk: [Double] = []
var tlsBulkCPU: [Double] = []
var plainBulkCPU: [Double] = []
var negotiated = ""
for run in 0..<runs {
    say("bulk run \(run + 1)/\(runs)...")
    let (rate, perCPU, cipher) = try await tls.bulk(rounds: 8, roundBytes: 16 << 20)
    tlsBulk.append(rate)
    tlsBulkCPU.append(perCPU)
    negotiated = cipher
    let plainResult = try await plain.bulk(rounds: 8, roundBytes: 16 << 20)
    plainBulk.append(plainResult.mibPerSecond)
    plainBulkCPU.append(plainResult.mibPerCPUSecond)
}

var tlsPingPong: [Double] = []
var plainPingPong: [Double] = []
for _ in 0..<runs {
    tlsPingPong.append(try await tls.pingPong(messageSize: 64, duration: .seconds(1)))
    plainPingPong.append(try await plain.pingPong(messageSize: 64, duration: .seconds(1)))
}
try await group.shutdownGracefully()

var libraryBoth: [Double] = []
var libraryEncrypt: [Double] = []
var libraryPingPong: [Double] = []
var libraryCipher = ""
for _ in 0..<runs {
    let pair = MemoryBIOBench(certificateFile: files.serverCertificateFile, keyFile: files.serverPrivateKeyFile)
    libraryCipher = pair.cipher
    libraryBoth.append(pair.encryptAndDecrypt(mebibytes: 128))
    libraryPingPong.append(pair.pingPong(messageSize: 64, seconds: 1))
    libraryEncrypt.append(
        MemoryBIOBench(certificateFile: files.serverCertificateFile, keyFile: files.serverPrivateKeyFile)
            .encryptOnly(mebibytes: 128)
    )
}

let both = median(libraryBoth)
let encrypt = median(libraryEncrypt)
// Time per byte adds up: 1/both = 1/encrypt + 1/decrypt.
let decrypt = 1 / max(1 / both - 1 / encrypt, 1e-12)
// `openssl speed` is not used: a child spawned from a Swift concurrency thread inherits blocked signals, and
// speed's SIGALRM-based timing then never ends. The same EVP call in-process gives the raw cipher figure.
let rawCipher = median(
    (0..<runs).map { _ in MemoryBIOBench.rawAESGCM(keyBits: libraryCipher.contains("AES_256") ? 256 : 128) }
)

say("negotiated: \(negotiated); in-process OpenSSL pair: \(libraryCipher)")
say("")
say("bulk, one way, 128 MiB per run (MiB/s of plaintext)")
say("  DealTLSHandler over loopback          \(format(median(tlsBulk)))")
say("  plain TCP over loopback (NIO)         \(format(median(plainBulk)))")
say("  OpenSSL memory BIOs, encrypt+decrypt  \(format(both))  (one thread, per CPU-second)")
say("  OpenSSL memory BIOs, encrypt only     \(format(encrypt))")
say("  OpenSSL memory BIOs, decrypt (derived)\(format(decrypt))")
say("  DealTLSHandler, MiB per CPU-second    \(format(median(tlsBulkCPU)))  (client+server+kernel)")
say("  plain TCP, MiB per CPU-second         \(format(median(plainBulkCPU)))")
say("  raw EVP AES-GCM encrypt, 16 KiB blocks  \(format(rawCipher))")
say(
    "  per CPU-second the handler keeps \(String(format: "%.0f", 100 * median(tlsBulkCPU) / both))% of OpenSSL's "
        + "encrypt+decrypt figure (all figures per CPU-second)"
)
say("")
say("64-byte round trips on one connection (per second)")
say("  DealTLSHandler over loopback          \(format(median(tlsPingPong)))")
say("  plain TCP over loopback (NIO)         \(format(median(plainPingPong)))")
say("  OpenSSL memory BIOs, one thread       \(format(median(libraryPingPong)))")
say(
    "  handler keeps \(String(format: "%.0f", 100 * median(tlsPingPong) / median(plainPingPong)))% of plain-TCP "
        + "round trips; TLS costs \(String(format: "%.1f", 1e6 / median(libraryPingPong))) µs of CPU per round trip "
        + "in OpenSSL itself"
)
say("")
say(
    "raw runs: tlsBulk=\(tlsBulk.map(format)) tlsBulkPerCPU=\(tlsBulkCPU.map(format)) plainBulk=\(plainBulk.map(format))"
)
say(
    "          tlsRT=\(tlsPingPong.map(format)) plainRT=\(plainPingPong.map(format)) libRT=\(libraryPingPong.map(format))"
)
