import COpenSSL

/// Facts about the OpenSSL library DealTLS runs on.
public enum DealTLSLibrary {
    /// The runtime OpenSSL version string, e.g. `OpenSSL 3.0.19 27 Jan 2026`.
    ///
    /// This is the library loaded at run time, which may differ from the headers DealTLS was compiled against.
    public static var versionString: String {
        guard let version = OpenSSL_version(OPENSSL_VERSION) else {
            return "unknown"
        }
        return String(cString: version)
    }
}
