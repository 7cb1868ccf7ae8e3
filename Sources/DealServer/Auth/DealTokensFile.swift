import DealTLS
import Foundation

/// The tokens file: one line per token, `sha256:<hex> <role> <name>`, `#` comments; only hashes are stored.
///
/// `dealsd` creates it on first start with one admin token, whose clear text goes once to `admin.token` (mode
/// 0600) for the local CLI; `dealsd token create --role R --name N` appends a new one and prints it once.
public enum DealTokensFile {
    /// One token's hash and what it grants.
    public struct Entry: Sendable, Hashable {
        /// SHA-256 of the token's UTF-8 bytes, lower-case hex.
        public var hash: String
        public var role: DealRole
        /// A label for people and logs; never the token.
        public var name: String

        public init(hash: String, role: DealRole, name: String) {
            self.hash = hash
            self.role = role
            self.name = name
        }
    }

    /// Parses the file's text; errors name the line.
    public static func parse(_ text: String, path: String) throws(DealServerError) -> [Entry] {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard fields.count >= 2, fields[0].hasPrefix("sha256:"), fields[0].count == 71,
                let role = DealRole(name: fields[1]), role != .none
            else {
                throw DealServerError(
                    code: .invalidConfiguration,
                    message: "\(path):\(index + 1): expected \"sha256:<64 hex digits> read|write|admin <name>\""
                )
            }
            entries.append(
                Entry(hash: String(fields[0].dropFirst(7)), role: role, name: fields.count > 2 ? fields[2] : "")
            )
        }
        return entries
    }

    /// Reads and parses a tokens file.
    public static func load(path: String) throws(DealServerError) -> [Entry] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "cannot read the tokens file \(path): \(error.localizedDescription)",
                cause: error
            )
        }
        return try Self.parse(text, path: path)
    }

    /// The line to store for a token.
    public static func line(for token: String, role: DealRole, name: String) -> String {
        "sha256:\(Self.hash(token: token)) \(role) \(name)"
    }

    /// A new random token: `dst_` and 40 hex digits (160 bits from OpenSSL's CSPRNG).
    public static func generateToken() -> String {
        "dst_" + Self.hex(DealCrypto.randomBytes(20))
    }

    /// SHA-256 of a token, lower-case hex.
    public static func hash(token: String) -> String {
        Self.hex(DealCrypto.sha256(token.utf8))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count {
            difference |= x[i] ^ y[i]
        }
        return difference == 0
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
