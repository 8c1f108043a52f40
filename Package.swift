// swift-tools-version: 6.1
// Lethe: federated machine unlearning. Module map and import rules: ../shared/docs/ARCHITECTURE.md.
import PackageDescription

/// Numeric kernels run unchecked in release builds (DECISIONS.md §3); everything else keeps its checks.
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
    .unsafeFlags(["-target-cpu", "haswell"]),
]
/// Without a target CPU, SIMD fused multiply-adds become libm calls (FEASIBILITY.md §2).
let cpuFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]

let package = Package(
    name: "Lethe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lethe", targets: ["lethe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (Debian packages; installed by Deploy/setup.sh).
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),

        // Engine, data and unlearning.
        .target(name: "LetheTensor", dependencies: ["COpenBLAS"], swiftSettings: kernelFlags),
        .target(name: "LetheNN", dependencies: ["LetheTensor"], swiftSettings: kernelFlags),
        // LetheData parses user files (IDX, id lists), so it keeps checked builds (DECISIONS.md §3).
        .target(name: "LetheData", dependencies: ["LetheTensor", "CZlib"], swiftSettings: cpuFlags),
        .target(name: "LetheUnlearning", dependencies: ["LetheNN", "LetheData", "LetheTensor"], swiftSettings: cpuFlags),

        .target(name: "LetheReport", swiftSettings: cpuFlags),

        // The federation: pure rules (no sockets, no files, no wall clock), then storage and the nodes.
        .target(name: "LetheFederation", dependencies: ["LetheUnlearning", "LetheWire", "LetheTensor"],
                swiftSettings: cpuFlags),
        // The deletion ledger: SQLite through GRDB (WAL, synchronous FULL), the durable `JobStore`.
        .target(name: "LetheLedger",
                dependencies: ["LetheFederation", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: cpuFlags),
        // The client node: one handler per message kind, calling LetheUnlearning on its local data.
        .target(name: "LetheClient",
                dependencies: ["LetheFederation", "LetheWire", "LetheUnlearning", "LetheData", "LetheTransport", "LetheNN",
                               "LetheTensor"],
                swiftSettings: cpuFlags),

        // The wire: protobuf schema (Proto/), ZeroMQ transport, and the C client proving the format language-neutral.
        .target(name: "LetheWire",
                dependencies: ["LetheTensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                swiftSettings: cpuFlags),
        .target(name: "LetheTransport", dependencies: ["CZeroMQ"], swiftSettings: cpuFlags),
        .target(name: "LetheCoordinator",
                // Crypto: the deletion certificates' Ed25519 signatures (Certificates/).
                dependencies: ["LetheFederation", "LetheWire", "LetheLedger", "LetheTransport", "LetheTensor",
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: cpuFlags),
        .target(name: "CLetheClient", linkerSettings: [.linkedLibrary("protobuf-c"), .linkedLibrary("zmq")]),
        .executableTarget(name: "lethe-c-client", dependencies: ["CLetheClient"]),

        // The command-line tool.
        .executableTarget(
            name: "lethe",
            dependencies: [
                "LetheTensor", "LetheNN", "LetheData", "LetheUnlearning", "LetheReport", "LetheWire", "LetheTransport",
                "LetheLedger", "LetheFederation", "LetheCoordinator", "LetheClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: cpuFlags
        ),

        // Tests.
        .target(name: "LetheTestSupport", dependencies: ["LetheTensor", "LetheNN"], path: "Tests/LetheTestSupport",
                swiftSettings: cpuFlags),
        .testTarget(name: "LetheTensorTests", dependencies: ["LetheTensor", "LetheTestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheNNTests", dependencies: ["LetheNN", "LetheTensor", "LetheTestSupport"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LetheDataTests", dependencies: ["LetheData", "LetheTensor"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheWireTests", dependencies: ["LetheWire", "LetheTensor"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheTransportTests", dependencies: ["LetheTransport"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheInteropTests",
                    dependencies: ["LetheWire", "LetheTransport", "LetheTensor", "CLetheClient", "lethe-c-client"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LetheCLITests", dependencies: ["lethe", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LetheSystemTests",
                    dependencies: ["lethe", "LetheReport", "LetheCoordinator", "LetheTransport", "LetheWire"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LetheLedgerTests", dependencies: ["LetheLedger", "LetheFederation"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheFederationTests",
                    dependencies: ["LetheFederation", "LetheWire", "LetheTensor", "LetheUnlearning"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LetheCoordinatorTests",
                    dependencies: ["LetheCoordinator", "LetheFederation", "LetheLedger", "LetheWire", "LetheTransport",
                                   "LetheTensor"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LetheClientTests",
                    dependencies: ["LetheClient", "LetheWire", "LetheTransport", "LetheUnlearning", "LetheData", "LetheNN",
                                   "LetheTensor", "LetheTestSupport"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LetheReportTests", dependencies: ["LetheReport"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheUnlearningTests",
                    dependencies: ["LetheUnlearning", "LetheNN", "LetheData", "LetheTensor", "LetheTestSupport"],
                    swiftSettings: cpuFlags),
    ]
)
