// swift-tools-version:6.2
import PackageDescription

/// Every target is compiled in the Swift 6 language mode (complete concurrency checking) with warnings as errors,
/// and with the upcoming features swift-nio, grpc-swift-2 and hummingbird enable: existentials spelled `any P`,
/// imports internal unless declared `public import`, and members visible only from modules a file imports.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "dealstore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DealModel", targets: ["DealModel"]),
        .library(name: "DealProtocol", targets: ["DealProtocol"]),
        .library(name: "DealTLS", targets: ["DealTLS"]),
        .library(name: "DealStore", targets: ["DealStore"]),
        .library(name: "DealServer", targets: ["DealServer"]),
        .library(name: "DealPostgres", targets: ["DealPostgres"]),
        .library(name: "DealCluster", targets: ["DealCluster"]),
        .library(name: "DealClient", targets: ["DealClient"]),
        .executable(name: "dealsd", targets: ["dealsd"]),
        .executable(name: "deals", targets: ["deals"]),
        .library(name: "DealCommandLine", targets: ["DealCommandLine"]),
        .executable(name: "dealbench", targets: ["dealbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // MARK: OpenSSL
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "CDealOpenSSLShims",
            dependencies: ["COpenSSL"]
        ),

        // MARK: PostgreSQL (libpq from the system: it uses the system OpenSSL, no second TLS stack)
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "DealPostgres",
            dependencies: ["CLibPQ"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DealCluster",
            dependencies: [
                "DealModel",
                "DealStore",
                "DealPostgres",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Libraries
        .target(
            name: "DealModel",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf")
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DealProtocol",
            dependencies: [
                "DealModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DealTLS",
            dependencies: [
                "COpenSSL",
                "CDealOpenSSLShims",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DealStore",
            dependencies: [
                "DealModel",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ],
            resources: [.embedInCode("Dataset/Resources/seed.jsonl")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DealServer",
            dependencies: [
                "DealModel",
                "DealProtocol",
                "DealTLS",
                "DealStore",
                "DealCluster",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DealClient",
            dependencies: [
                "DealModel",
                "DealProtocol",
                "DealTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        .target(
            name: "DealCommandLine",
            dependencies: [
                "DealModel",
                "DealProtocol",
                "DealClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Fuzzing (see Fuzz/README.md: built with -DDEALSTORE_FUZZING -sanitize=fuzzer for libFuzzer)
        .executableTarget(
            name: "dealframe-fuzz",
            dependencies: [
                "DealProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Fuzz/DealFrameFuzzer",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "dealservice-fuzz",
            dependencies: [
                "DealModel",
                "DealProtocol",
                "DealServer",
                "DealStore",
                "DealTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Fuzz/DealServiceFuzzer",
            swiftSettings: strictSettings
        ),

        // MARK: Executables (thin shells over the libraries)
        // dealsd's command line (subcommands, options, umask, logging, exit statuses) over DealServer's DealDaemon:
        // a library, so DealServer needs no ArgumentParser and the exit statuses are tested without a process.
        .target(
            name: "DealDaemonCommand",
            dependencies: [
                "DealServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "dealsd",
            dependencies: ["DealDaemonCommand"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "deals",
            dependencies: [
                "DealCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "DealModelTests",
            dependencies: [
                "DealTestSupport",
                "DealModel",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealProtocolTests",
            dependencies: [
                "DealTestSupport",
                "DealProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealTLSTests",
            dependencies: [
                "DealTestSupport",
                "DealTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealStoreTests",
            dependencies: [
                "DealTestSupport",
                "DealStore",
                "DealModel",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                "dealstore-crash-writer",
                "DealStoreCrashScenario",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealServerTests",
            dependencies: [
                "DealTestSupport",
                "DealServer",
                "DealDaemonCommand",
                "dealsd",
                "DealClient",
                "DealTLS",
                "DealStore",
                "DealModel",
                "DealProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealCommandLineTests",
            dependencies: [
                "DealTestSupport",
                "DealCommandLine",
                "DealClient",
                "DealModel",
                "DealProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealClientTests",
            dependencies: [
                "DealTestSupport",
                "DealClient",
                "DealModel",
                "DealProtocol",
                "DealTLS",
                "dealsd",
                "dealclient-example",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // MARK: Examples (built with everything; DealGettingStartedTests runs it against a real dealsd)
        // The getting-started article's tool: depends on the DealClient product's target alone (one import).
        .executableTarget(
            name: "dealclient-example",
            dependencies: ["DealClient"],
            path: "Examples/DealTool",
            swiftSettings: strictSettings
        ),
        // MARK: Benchmarks (run in release: swift run -c release dealtls-bench)
        .executableTarget(
            name: "dealtls-bench",
            dependencies: [
                "DealTLS",
                "COpenSSL",
                "CDealOpenSSLShims",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/DealTLSBench",
            swiftSettings: strictSettings
        ),

        // MARK: dealbench: load generator for a running dealsd (run in release: Benchmarks/run.sh)
        .executableTarget(
            name: "dealbench",
            dependencies: [
                "DealModel",
                "DealProtocol",
                "DealTLS",
                "DealClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/DealBench",
            swiftSettings: strictSettings
        ),

        // MARK: dealcluster-bench: commit-to-every-node lag of a cluster on PostgreSQL (Benchmarks/cluster.sh)
        .executableTarget(
            name: "dealcluster-bench",
            dependencies: ["DealClient", "DealModel", "DealPostgres"],
            path: "Benchmarks/DealClusterBench",
            swiftSettings: strictSettings
        ),

        // MARK: Test support: the one way tests start dealsd, wait with a deadline and draw seeded randomness
        .target(
            name: "DealTestSupport",
            dependencies: ["DealModel", "DealProtocol"],
            path: "Tests/DealTestSupport",
            swiftSettings: strictSettings
        ),

        // MARK: DealStore crash test child and benchmark
        // The scenario both the SIGKILLed child and the test that checks it replay (an executable cannot be
        // imported by a test target, so it is a library of its own).
        .target(
            name: "DealStoreCrashScenario",
            dependencies: ["DealStore", "DealModel"],
            path: "Tests/DealStoreCrashScenario",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "dealstore-crash-writer",
            dependencies: [
                "DealStore",
                "DealStoreCrashScenario",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DealStoreCrashWriter",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "dealstore-bench",
            dependencies: [
                "DealStore",
                "DealModel",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/DealStoreBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeployTests",
            dependencies: [
                "DealServer",
                "DealTLS",
                "DealModel",
                "DealTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealEndToEndTests",
            dependencies: ["dealsd", "deals", "DealTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DealClusterTests",
            dependencies: [
                "dealsd",
                "DealClient",
                "DealModel",
                "DealProtocol",
                "DealPostgres",
                "DealTestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
