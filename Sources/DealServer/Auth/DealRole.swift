/// What a caller may do. Each role includes the ones below it.
public enum DealRole: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    /// No valid credentials.
    case none = 0
    /// Every read method.
    case read = 1
    /// Reads, and creating, updating, deleting and importing records.
    case write = 2
    /// Everything, including administrative methods.
    case admin = 3

    /// Parses `read`, `write` or `admin`.
    public init?(name: String) {
        switch name.lowercased() {
        case "read": self = .read
        case "write": self = .write
        case "admin": self = .admin
        default: return nil
        }
    }

    public static func < (lhs: DealRole, rhs: DealRole) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String {
        switch self {
        case .none: ""
        case .read: "read"
        case .write: "write"
        case .admin: "admin"
        }
    }
}
