import DealTestSupport
import Foundation
import Testing

/// Runs the Python client package's own tests (Clients/python/tests, pytest) against the `dealsd` built with this
/// package, and `mypy --strict` over the package, so CI holds the Python client to the bar of the Swift one.
///
/// The Python tools are installed by `.ci/run`; when they are missing these tests fail and say so (a skip would
/// let CI pass without ever running the Python tests).
@Suite("Python client package")
struct DealPythonClientPackageTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // DealServerTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    /// Fails the test, naming what to run, unless `python3` can import every one of `modules`.
    static func requirePython(modules: [String]) async throws {
        let imports = modules.map { "import \($0)" }.joined(separator: "; ")
        let (status, output) = try await DealIndependentClientTests.run(["python3", "-c", imports], timeLimit: 60)
        try #require(
            status == 0,
            """
            python3 cannot import \(modules.joined(separator: ", ")): run `bash .ci/run` (it installs pytest, mypy, \
            types-protobuf and protobuf), or `python3 -m pip install 'protobuf>=4.21,<5' pytest mypy \
            'types-protobuf>=4.21,<5'`.
            \(output)
            """
        )
    }

    @Test("pytest Clients/python/tests passes against the built dealsd", .timeLimit(.minutes(3)))
    func pytestPasses() async throws {
        let binary = try #require(DealDaemonProcess.binaryPath(), "dealsd binary not found next to the test bundle")
        try await Self.requirePython(modules: ["pytest", "google.protobuf.internal.builder"])
        // `env NAME=VALUE command`: the runner starts /usr/bin/env, so the binary's path travels this way.
        let (status, output) = try await DealIndependentClientTests.run(
            [
                "DEALSD_BINARY=\(binary)", "python3", "-m", "pytest", "Clients/python/tests", "-q",
                "-p", "no:cacheprovider",
            ],
            timeLimit: 150
        )
        #expect(status == 0, "pytest exited with \(status):\n\(output)")
        #expect(output.contains(" passed"), "pytest reported no passed test:\n\(output)")
    }

    @Test("mypy --strict accepts the dealstore package", .timeLimit(.minutes(3)))
    func mypyStrictPasses() async throws {
        try await Self.requirePython(modules: ["mypy", "google.protobuf"])
        let (status, output) = try await DealIndependentClientTests.run(
            [
                "python3", "-m", "mypy", "--strict", "--config-file", "Clients/python/pyproject.toml",
                "--cache-dir", "/dev/null", "Clients/python/src/dealstore",
            ],
            timeLimit: 150
        )
        #expect(status == 0, "mypy --strict exited with \(status):\n\(output)")
    }
}
