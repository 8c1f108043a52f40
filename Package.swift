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
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // --- wire (issue 4) ---
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "LetheTensor", dependencies: ["COpenBLAS"], swiftSettings: kernelFlags),
        .testTarget(name: "LetheTensorTests", dependencies: ["LetheTensor"], swiftSettings: cpuFlags),

        // --- wire (issue 4): protobuf schema, ZeroMQ transport, C client, `lethe bench wire` ---
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .target(name: "LetheWire",
                dependencies: ["LetheTensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                swiftSettings: cpuFlags),
        .target(name: "LetheTransport", dependencies: ["CZeroMQ"], swiftSettings: cpuFlags),
        .target(name: "CLetheClient",
                linkerSettings: [.linkedLibrary("protobuf-c"), .linkedLibrary("zmq")]),
        .executableTarget(name: "lethe-c-client", dependencies: ["CLetheClient"]),
        .executableTarget(name: "lethe",
                          dependencies: ["LetheWire", "LetheTransport", "LetheTensor",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: cpuFlags),
        .testTarget(name: "LetheWireTests", dependencies: ["LetheWire", "LetheTensor"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheTransportTests", dependencies: ["LetheTransport"], swiftSettings: cpuFlags),
        .testTarget(name: "LetheInteropTests",
                    dependencies: ["LetheWire", "LetheTransport", "LetheTensor", "CLetheClient", "lethe-c-client"],
                    swiftSettings: cpuFlags),
        // --- end wire ---
    ]
)
