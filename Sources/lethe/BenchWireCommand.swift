import ArgumentParser
import LetheTensor
import Foundation
import LetheTransport
import LetheWire

/// `lethe bench wire`: latency, stream throughput and codec speed of Lethe's wire (issue 4, DECISIONS.md §9).
///
/// The receiving side runs in a second process (this binary re-executed with the hidden `--serve` flag), so the
/// sender and receiver do not share a heap or an allocator. Throughput counts each payload once, keeps
/// `--in-flight` messages outstanding with credit (one small ack per message), and by default includes protobuf
/// encoding on the sender and decoding + validation + conversion to `Tensor` on the receiver.
struct BenchWireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Measure wire latency, throughput and protobuf codec speed.")

    @Option(help: "Messages per throughput run (1M-float ModelWeights each).")
    var messages = 400

    @Option(help: "Round trips per latency run.")
    var roundTrips = 200

    @Option(help: "Messages kept in flight during throughput runs (at least 4 for the issue's bar).")
    var inFlight = 8

    @Option(help: "Elements of the model-sized payload (float32).")
    var elements = 1_000_000

    @Flag(help: "Keep glibc's default allocator settings (by default the bench stops malloc from returning 4 MB buffers to the OS after every message).")
    var defaultAllocator = false

    @Flag(help: "Skip the CURVE runs.")
    var skipCurve = false

    @Option(help: "Write the figures as JSON to this path.")
    var json: String?

    @Option(help: .hidden) var serve: String?
    @Option(help: .hidden) var bind: String?
    @Option(help: .hidden) var curveSecret: String?
    @Option(help: .hidden) var curvePublic: String?
    @Option(help: .hidden) var allowKey: String?

    func validate() throws {
        guard messages >= 1, roundTrips >= 1, elements >= 1 else { throw ValidationError("counts must be positive") }
        guard inFlight >= 1 else { throw ValidationError("--in-flight must be at least 1") }
        if let serve, !WireBenchServer.Mode.allCases.map(\.rawValue).contains(serve) {
            throw ValidationError("unknown --serve mode \(serve)")
        }
    }

    func run() throws {
        if !defaultAllocator { MemoryTuning.keepLargeBuffers() }
        if let serve {
            try WireBenchServer.run(mode: WireBenchServer.Mode(rawValue: serve)!, bind: bind ?? "tcp://127.0.0.1:*",
                                    curveSecret: curveSecret, curvePublic: curvePublic, allowKey: allowKey)
            return
        }
        let bench = WireBench(messages: messages, roundTrips: roundTrips, inFlight: inFlight, elements: elements,
                              defaultAllocator: defaultAllocator)
        var report = WireBenchReport(elements: elements, inFlight: inFlight, messages: messages,
                                     defaultAllocator: defaultAllocator)
        report.codec = try bench.codec()
        print(report.codecLine)
        let ipcPath = "ipc:///tmp/lethe-bench-wire-\(getpid()).sock"
        for (name, endpoint) in [("tcp", "tcp://127.0.0.1:*"), ("ipc", ipcPath)] {
            for (label, bytes) in [("1KB", 1024), ("1M-float", elements * 4)] {
                let row = try bench.latency(transport: name, bind: endpoint, payloadBytes: bytes, label: label)
                print(row.line)
                report.latency.append(row)
            }
            for (codec, small) in [(true, nil), (false, nil), (false, 1024)] as [(Bool, Int?)] {
                let row = try bench.throughput(transport: name, bind: endpoint, codec: codec, curve: false, smallBytes: small)
                print(row.line)
                report.throughput.append(row)
            }
        }
        if !skipCurve {
            let row = try bench.throughput(transport: "tcp", bind: "tcp://127.0.0.1:*", codec: true, curve: true)
            print(row.line)
            report.throughput.append(row)
        }
        if let json {
            try writeJSON(report, to: json)
            print("wrote \(json)")
        }
    }
}

/// The figures of one `lethe bench wire` run, as written by `--json`.
struct WireBenchReport: Codable {
    struct Codec: Codable {
        var encodeMsPerMB: Double
        var decodeMsPerMB: Double
        var encodeGBps: Double
        var decodeGBps: Double
        /// Payload bytes over (encode + decode) time: the "encode+decode ≥ 2 GB/s".
        var encodePlusDecodeGBps: Double
    }
    struct Latency: Codable {
        var transport: String
        var payload: String
        var bytes: Int
        var p50Microseconds: Double
        var p99Microseconds: Double
        var line: String { String(format: "latency    %-4@ %-9@ p50 %9.1f µs  p99 %9.1f µs", transport, payload,
                                  p50Microseconds, p99Microseconds) }
    }
    struct Throughput: Codable {
        var transport: String
        var payloadBytes: Int
        var codec: Bool
        var curve: Bool
        var messages: Int
        var seconds: Double
        var messagesPerSecond: Double
        var gigabytesPerSecond: Double
        var line: String {
            String(format: "throughput %-4@ %-9@ %-6@ %-6@ %6.3f GB/s %9.0f msg/s (%d msgs in %.2f s)", transport,
                   payloadBytes < 4096 ? "1KB" : "1M-float", codec ? "codec" : "raw", curve ? "curve" : "plain",
                   gigabytesPerSecond, messagesPerSecond, messages, seconds)
        }
    }
    var elements: Int
    var inFlight: Int
    var messages: Int
    var defaultAllocator: Bool
    var codec: Codec?
    var latency: [Latency] = []
    var throughput: [Throughput] = []

    var codecLine: String {
        guard let codec else { return "" }
        return String(format: "codec      encode %.3f ms/MB (%.2f GB/s)  decode+validate %.3f ms/MB (%.2f GB/s)  both %.2f GB/s",
                      codec.encodeMsPerMB, codec.encodeGBps, codec.decodeMsPerMB, codec.decodeGBps,
                      codec.encodePlusDecodeGBps)
    }
}
