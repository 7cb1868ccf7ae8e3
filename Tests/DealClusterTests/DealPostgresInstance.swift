import DealPostgres
import DealTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server made by a test in a temporary directory: `initdb` as the `postgres` user (PostgreSQL refuses
/// to run as root), a free loopback port, a socket directory of its own. Removed by ``destroy()``.
final class DealPostgresInstance: Sendable {
    let root: String
    let dataDirectory: String
    let port: Int
    let logFile: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The directory of the server binaries (initdb, pg_ctl, pg_basebackup), or nil when PostgreSQL is not
    /// installed.
    static let binDirectory: String? = {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(base)/\(version)/bin/initdb") {
            return "\(base)/\(version)/bin"
        }
        return nil
    }()

    static var isAvailable: Bool { Self.binDirectory != nil }

    /// A connection string for this server alone.
    var conninfo: String { "host=127.0.0.1 port=\(self.port) user=postgres dbname=postgres" }

    private init(root: String, port: Int) {
        self.root = root
        self.dataDirectory = root + "/data"
        self.port = port
        self.logFile = root + "/server.log"
    }

    /// Runs a PostgreSQL program as the `postgres` user (through runuser when the tests run as root).
    @discardableResult
    static func runAsPostgres(_ program: String, _ arguments: [String]) throws -> String {
        guard let bin = Self.binDirectory else { throw Failure(description: "PostgreSQL is not installed") }
        let executable = getuid() == 0 ? "/usr/sbin/runuser" : bin + "/" + program
        let argv = (getuid() == 0 ? ["runuser", "-u", "postgres", "--", bin + "/" + program] : [program]) + arguments
        // A file, not a pipe: the server pg_ctl starts inherits the descriptor, so a pipe would never reach EOF.
        // posix_spawn and waitpid rather than Foundation's Process, whose exit monitoring missed runuser's exit
        // here (a zombie never reaped, waitUntilExit never returning).
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("dealpg-\(UUID()).out").path
        defer { try? FileManager.default.removeItem(atPath: outputFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let spawned = posix_spawn(&pid, executable, &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) failed: \(output)")
        }
        return output
    }

    static func makeRoot(_ name: String) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dealpg-\(name)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // mktemp-like directories are 0700: the postgres user must reach its files.
        chmod(root, 0o755)
        if getuid() == 0, let user = getpwnam("postgres") {
            chown(root, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        return root
    }

    static let serverSettings = [
        "-c listen_addresses=127.0.0.1", "-c fsync=off", "-c wal_level=replica", "-c max_wal_senders=5",
        "-c hot_standby=on", "-c max_connections=50", "-c shared_buffers=32MB",
    ]

    /// initdb and start a primary; `synchronousStandby` makes every commit wait for a standby
    /// (`synchronous_standby_names = '*'`).
    static func primary(synchronousStandby: Bool = false) throws -> DealPostgresInstance {
        let instance = DealPostgresInstance(root: try Self.makeRoot("primary"), port: try DealTestPorts.freePort())
        try Self.runAsPostgres("initdb", ["-D", instance.dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync"])
        var settings = Self.serverSettings
        if synchronousStandby { settings.append("-c synchronous_standby_names='*'") }
        try instance.start(settings)
        return instance
    }

    /// A streaming standby of `primary` (pg_basebackup -R), started on a port of its own.
    static func standby(of primary: DealPostgresInstance) throws -> DealPostgresInstance {
        let instance = DealPostgresInstance(root: try Self.makeRoot("standby"), port: try DealTestPorts.freePort())
        try Self.runAsPostgres(
            "pg_basebackup",
            [
                "-D", instance.dataDirectory, "-R", "-X", "stream", "-h", "127.0.0.1", "-p", "\(primary.port)", "-U",
                "postgres",
            ]
        )
        try instance.start(Self.serverSettings)
        return instance
    }

    func start(_ settings: [String]) throws {
        let options = (["-p \(self.port)", "-k \(self.root)"] + settings).joined(separator: " ")
        try Self.runAsPostgres("pg_ctl", ["-D", self.dataDirectory, "-l", self.logFile, "-w", "start", "-o", options])
    }

    /// Promotes a standby to primary and waits until it accepts writes.
    func promote() throws {
        try Self.runAsPostgres("pg_ctl", ["-D", self.dataDirectory, "-w", "promote"])
    }

    /// The postmaster's pid (first line of postmaster.pid).
    var postmasterPID: pid_t? {
        let text = (try? String(contentsOfFile: self.dataDirectory + "/postmaster.pid", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first.flatMap { pid_t($0) }
    }

    /// The postmaster and every process it started (the backends the nodes talk to).
    var processes: [pid_t] {
        guard let postmaster = self.postmasterPID else { return [] }
        var result = [postmaster]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == postmaster { result.append(pid) }
        }
        return result
    }

    /// Sends `signal` to the postmaster and all its children (SIGSTOP/SIGCONT to partition, SIGKILL to crash).
    func signalAll(_ signal: Int32) {
        for pid in self.processes { kill(pid, signal) }
    }

    /// Stops the server (if running) and removes its directory.
    func destroy() {
        if self.postmasterPID != nil {
            self.signalAll(SIGCONT)
            _ = try? Self.runAsPostgres("pg_ctl", ["-D", self.dataDirectory, "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(atPath: self.root)
    }

    /// Runs a query on this server (a fresh connection).
    func query(_ sql: String) throws -> DealPostgresResult {
        let connection = try DealPostgresConnection.connect(self.conninfo)
        defer { connection.close() }
        return try connection.execute(sql)
    }
}
