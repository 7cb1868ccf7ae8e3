/// Where a local development daemon keeps what a local client needs to reach it.
///
/// `dealsd` started with no configuration writes its CA certificate and an admin token into its data directory;
/// `deals` started with no configuration reads them from the same place. Both sides call these functions so the
/// two never disagree.
public enum DealLocalDefaults {
    /// The default listen and connect address.
    public static let host = "127.0.0.1"
    /// The default TCP port.
    public static let port = 7443
    /// The CA certificate file name inside the data directory.
    public static let caFileName = "ca.pem"
    /// The admin token file name inside the data directory (mode 0600).
    public static let adminTokenFileName = "admin.token"

    /// The default data directory: `$DEALSD_DATA_DIR`, else `$XDG_STATE_HOME/dealstore`, else
    /// `$HOME/.local/state/dealstore`, else `./dealstore-data`.
    public static func dataDirectory(environment: [String: String]) -> String {
        if let explicit = environment["DEALSD_DATA_DIR"], !explicit.isEmpty {
            return explicit
        }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return state + "/dealstore"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.local/state/dealstore"
        }
        return "dealstore-data"
    }
}
