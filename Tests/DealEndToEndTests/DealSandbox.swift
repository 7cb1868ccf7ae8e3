import DealTestSupport
import Foundation

/// A temporary directory holding a daemon's data directory, a fake home and the test's scratch files.
///
/// Every process the tests start gets an environment built here from scratch (never the test runner's own), with
/// `HOME` and the `XDG_*` directories inside the sandbox, so a developer's real profile, data directory or
/// `DEALSD_*` settings are never read.
struct DealSandbox: Sendable {
    let root: String

    /// Creates a fresh sandbox under the system's temporary directory.
    init() throws {
        let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        self.root = base + "deals-e2e-" + UUID().uuidString.prefix(8).lowercased()
        for directory in [self.dataDirectory, self.home, self.scratch] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    /// The daemon's `--data-dir`.
    var dataDirectory: String { self.root + "/data" }
    /// `HOME` for every child process.
    var home: String { self.root + "/home" }
    /// Output files of child processes and input files the tests write.
    var scratch: String { self.root + "/scratch" }
    /// The development CA the daemon writes on first start.
    var caFile: String { self.dataDirectory + "/ca.pem" }

    /// The admin token the daemon writes on first start.
    var adminToken: String {
        get throws {
            try String(contentsOfFile: self.dataDirectory + "/admin.token", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The environment every child process starts from: no TTY, home and XDG directories inside the sandbox.
    var baseEnvironment: [String: String] {
        [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": self.home,
            "XDG_CONFIG_HOME": self.home + "/.config",
            "XDG_STATE_HOME": self.home + "/.local/state",
            "XDG_DATA_HOME": self.home + "/.local/share",
            "XDG_CACHE_HOME": self.home + "/.cache",
            "DEALSD_DATA_DIR": self.home + "/no-local-dealsd",
            "CI": "true",
            "TERM": "dumb",
            "LANG": "C.UTF-8",
        ]
    }

    /// Starts `dealsd` on the sandbox's data directory and environment, on 127.0.0.1:`port` (0: a free one it picks).
    func startDaemon(port: Int = 0) throws -> DealDaemonProcess {
        try DealDaemonProcess.start(
            dataDirectory: self.dataDirectory,
            port: port,
            logLevel: "notice",
            environment: self.baseEnvironment,
            timeout: .seconds(60)
        )
    }

    /// A `deals` runner for the daemon at `address`, given only by the environment: the sandbox's CA, the admin
    /// token.
    func deals(address: String) throws -> DealCommandRunner {
        var environment = self.baseEnvironment
        environment["DEALS_ADDR"] = address
        environment["DEALS_CA"] = self.caFile
        environment["DEALS_TOKEN"] = try self.adminToken
        return try DealCommandRunner(environment: environment, scratchDirectory: self.scratch)
    }

    /// Writes `text` to a new file in the scratch directory and returns its path.
    func write(_ text: String, to name: String) throws -> String {
        let path = self.scratch + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Deletes the whole sandbox.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.root)
    }
}
