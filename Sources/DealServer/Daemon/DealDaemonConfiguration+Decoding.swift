// Swift's synthesized decoding fails on a missing key even when the property has a default; these initializers
// take every absent key from the defaults and refuse unknown keys, so a partial file works and a typo is caught.

extension DealDaemonConfiguration.TLS {
    public init(from decoder: any Decoder) throws {
        try DealDaemonConfiguration.rejectUnknownKeys(in: decoder, known: CodingKeys.self, section: "tls.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        self.init()
        self.certificate = try c.decodeIfPresent(String.self, forKey: .certificate) ?? d.certificate
        self.privateKey = try c.decodeIfPresent(String.self, forKey: .privateKey) ?? d.privateKey
        self.clientCA = try c.decodeIfPresent(String.self, forKey: .clientCA) ?? d.clientCA
        self.clientCertificates =
            try c.decodeIfPresent(String.self, forKey: .clientCertificates) ?? d.clientCertificates
        self.minimumVersion = try c.decodeIfPresent(String.self, forKey: .minimumVersion) ?? d.minimumVersion
        self.handshakeTimeoutSeconds =
            try c.decodeIfPresent(Double.self, forKey: .handshakeTimeoutSeconds) ?? d.handshakeTimeoutSeconds
        self.requireALPN = try c.decodeIfPresent(Bool.self, forKey: .requireALPN) ?? d.requireALPN
    }
}

extension DealDaemonConfiguration.Auth {
    public init(from decoder: any Decoder) throws {
        try DealDaemonConfiguration.rejectUnknownKeys(in: decoder, known: CodingKeys.self, section: "auth.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        self.init()
        self.tokensFile = try c.decodeIfPresent(String.self, forKey: .tokensFile) ?? d.tokensFile
        self.certificateRoles =
            try c.decodeIfPresent([String: String].self, forKey: .certificateRoles) ?? d.certificateRoles
        self.anonymousMethods = try c.decodeIfPresent([String].self, forKey: .anonymousMethods) ?? d.anonymousMethods
    }
}

extension DealDaemonConfiguration.Store {
    public init(from decoder: any Decoder) throws {
        try DealDaemonConfiguration.rejectUnknownKeys(in: decoder, known: CodingKeys.self, section: "store.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        self.init()
        self.fsync = try c.decodeIfPresent(String.self, forKey: .fsync) ?? d.fsync
        self.fsyncIntervalMilliseconds =
            try c.decodeIfPresent(Int.self, forKey: .fsyncIntervalMilliseconds) ?? d.fsyncIntervalMilliseconds
        self.snapshotEveryRecords =
            try c.decodeIfPresent(Int.self, forKey: .snapshotEveryRecords) ?? d.snapshotEveryRecords
        self.segmentSizeMegabytes =
            try c.decodeIfPresent(Int.self, forKey: .segmentSizeMegabytes) ?? d.segmentSizeMegabytes
        self.seedIfEmpty = try c.decodeIfPresent(Bool.self, forKey: .seedIfEmpty) ?? d.seedIfEmpty
        self.changeHistoryLimit =
            try c.decodeIfPresent(Int.self, forKey: .changeHistoryLimit) ?? d.changeHistoryLimit
        self.historyRetentionRevisions =
            try c.decodeIfPresent(Int.self, forKey: .historyRetentionRevisions) ?? d.historyRetentionRevisions
        self.historyRetentionHours =
            try c.decodeIfPresent(Double.self, forKey: .historyRetentionHours) ?? d.historyRetentionHours
    }
}

extension DealDaemonConfiguration.Limits {
    public init(from decoder: any Decoder) throws {
        try DealDaemonConfiguration.rejectUnknownKeys(in: decoder, known: CodingKeys.self, section: "limits.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        self.init()
        self.maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? d.maxConnections
        self.maxConcurrentStreams =
            try c.decodeIfPresent(Int.self, forKey: .maxConcurrentStreams) ?? d.maxConcurrentStreams
        self.maxFrameSize = try c.decodeIfPresent(Int.self, forKey: .maxFrameSize) ?? d.maxFrameSize
        self.initialWindowSize = try c.decodeIfPresent(Int.self, forKey: .initialWindowSize) ?? d.initialWindowSize
        self.idleTimeoutSeconds =
            try c.decodeIfPresent(Double.self, forKey: .idleTimeoutSeconds) ?? d.idleTimeoutSeconds
        self.minPingIntervalSeconds =
            try c.decodeIfPresent(Double.self, forKey: .minPingIntervalSeconds) ?? d.minPingIntervalSeconds
        self.maxPingStrikes = try c.decodeIfPresent(Int.self, forKey: .maxPingStrikes) ?? d.maxPingStrikes
        self.maxOutputBufferMegabytes =
            try c.decodeIfPresent(Int.self, forKey: .maxOutputBufferMegabytes) ?? d.maxOutputBufferMegabytes
        self.drainGraceSeconds = try c.decodeIfPresent(Double.self, forKey: .drainGraceSeconds) ?? d.drainGraceSeconds
        self.maxImportRecords = try c.decodeIfPresent(Int.self, forKey: .maxImportRecords) ?? d.maxImportRecords
        self.helloTimeoutSeconds =
            try c.decodeIfPresent(Double.self, forKey: .helloTimeoutSeconds) ?? d.helloTimeoutSeconds
        self.requestBodyTimeoutSeconds =
            try c.decodeIfPresent(Double.self, forKey: .requestBodyTimeoutSeconds) ?? d.requestBodyTimeoutSeconds
        self.maxRequestBufferMegabytes =
            try c.decodeIfPresent(Int.self, forKey: .maxRequestBufferMegabytes) ?? d.maxRequestBufferMegabytes
        self.maxIncompleteStreams =
            try c.decodeIfPresent(Int.self, forKey: .maxIncompleteStreams) ?? d.maxIncompleteStreams
        self.maxServerRequestBufferMegabytes =
            try c.decodeIfPresent(Int.self, forKey: .maxServerRequestBufferMegabytes)
            ?? d.maxServerRequestBufferMegabytes
        self.maxServerOutputBufferMegabytes =
            try c.decodeIfPresent(Int.self, forKey: .maxServerOutputBufferMegabytes)
            ?? d.maxServerOutputBufferMegabytes
        self.maxServerIncompleteStreams =
            try c.decodeIfPresent(Int.self, forKey: .maxServerIncompleteStreams) ?? d.maxServerIncompleteStreams
        self.maxImportBytes = try c.decodeIfPresent(Int.self, forKey: .maxImportBytes) ?? d.maxImportBytes
        self.maxConnectionsPerAddress =
            try c.decodeIfPresent(Int.self, forKey: .maxConnectionsPerAddress) ?? d.maxConnectionsPerAddress
        self.maxRequestFields = try c.decodeIfPresent(Int.self, forKey: .maxRequestFields) ?? d.maxRequestFields
        self.maxHeadersBytes = try c.decodeIfPresent(Int.self, forKey: .maxHeadersBytes) ?? d.maxHeadersBytes
    }
}

extension DealDaemonConfiguration.Postgres {
    public init(from decoder: any Decoder) throws {
        try DealDaemonConfiguration.rejectUnknownKeys(in: decoder, known: CodingKeys.self, section: "postgres.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        self.conninfo = try c.decodeIfPresent(String.self, forKey: .conninfo) ?? ""
    }
}
