// swift-tools-version:6.2
import PackageDescription

// libFuzzer harnesses for DealStore's parsers. Kept out of the main package because every target here is built
// with `-sanitize=fuzzer`; see Fuzz/README.md for the run command.
let package = Package(
    name: "DealStoreFuzz",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "DealFrameFuzzer",
            dependencies: [
                .product(name: "DealProtocol", package: "DealStore"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        )
    ]
)
