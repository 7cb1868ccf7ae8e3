import COpenSSL

/// Reading names and fingerprints out of OpenSSL's X509 objects.
enum X509Inspection {
    /// `/CN=localhost/O=...`, the way OpenSSL prints a subject on one line.
    static func subjectDescription(_ certificate: OpaquePointer) -> String {
        guard let name = X509_get_subject_name(certificate) else {
            return "(no subject)"
        }
        var buffer = [CChar](repeating: 0, count: 512)
        return buffer.withUnsafeMutableBufferPointer { pointer in
            guard let text = X509_NAME_oneline(name, pointer.baseAddress, Int32(pointer.count)) else {
                return "(unprintable subject)"
            }
            return "'" + String(cString: text) + "'"
        }
    }

    /// The identity of a certificate: CN, SANs and SHA-256 fingerprint.
    static func identity(_ certificate: OpaquePointer) -> DealTLSPeerIdentity {
        var dnsNames: [String] = []
        var uriNames: [String] = []
        var ipAddresses: [String] = []
        if let rawNames = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) {
            let names = OpaquePointer(rawNames)
            for index in 0..<OPENSSL_sk_num(names) {
                guard let raw = OPENSSL_sk_value(names, index) else {
                    continue
                }
                let name = raw.assumingMemoryBound(to: GENERAL_NAME.self)
                switch name.pointee.type {
                case GEN_DNS:
                    dnsNames.append(self.string(name.pointee.d.dNSName))
                case GEN_URI:
                    uriNames.append(self.string(name.pointee.d.uniformResourceIdentifier))
                case GEN_IPADD:
                    ipAddresses.append(self.ipAddress(name.pointee.d.iPAddress))
                default:
                    break
                }
            }
            GENERAL_NAMES_free(names)
        }
        return DealTLSPeerIdentity(
            commonName: self.commonName(certificate),
            dnsNames: dnsNames,
            uriNames: uriNames,
            ipAddresses: ipAddresses,
            sha256Fingerprint: self.sha256Fingerprint(certificate)
        )
    }

    static func sha256Fingerprint(_ certificate: OpaquePointer) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else {
            return ""
        }
        return digest[0..<Int(length)].map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    private static func commonName(_ certificate: OpaquePointer) -> String? {
        guard let subject = X509_get_subject_name(certificate) else {
            return nil
        }
        let index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(subject, index),
            let data = X509_NAME_ENTRY_get_data(entry)
        else {
            return nil
        }
        var utf8: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else {
            return nil
        }
        defer { CRYPTO_free(utf8, nil, 0) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    private static func string(_ value: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        guard let value, let bytes = ASN1_STRING_get0_data(value) else {
            return ""
        }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(value))), as: UTF8.self)
    }

    private static func ipAddress(_ value: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        guard let value, let bytes = ASN1_STRING_get0_data(value) else {
            return ""
        }
        let octets = Array(UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(value))))
        if octets.count == 4 {
            return octets.map(String.init).joined(separator: ".")
        }
        // Full, uncompressed IPv6 groups: unambiguous and good enough for logs and comparisons.
        var groups: [String] = []
        var index = 0
        while index + 1 < octets.count {
            groups.append(String(UInt16(octets[index]) << 8 | UInt16(octets[index + 1]), radix: 16))
            index += 2
        }
        return groups.joined(separator: ":")
    }
}
