import Foundation
import LetheTensor
import LetheTransport
import LetheWire

/// The measurements behind `lethe bench wire`; the receiving side runs in a child process (`WireBenchServer`).
struct WireBench {
    let messages: Int
    let roundTrips: Int
    let inFlight: Int
    let elements: Int
    let defaultAllocator: Bool

    /// A model-sized tensor of normal values (seed 1), so validation scans real floats.
    func model() -> Tensor {
        var rng = SeededGenerator(seed: 1)
        return Tensor(shape: [elements], storage: (0..<elements).map { _ in rng.nextNormal() })
    }

    /// The sender's codec work per message: Tensor → wire tensor → envelope → bytes.
    static func encode(_ tensor: Tensor, number: UInt64) throws -> Data {
        var weights = Lethe_V1_ModelWeights()
        weights.modelVersion = 1
        weights.parameters = tensor.wire
        return try WireCodec.encode(WireCodec.envelope(jobID: "bench", round: 1, senderID: "bench-sender",
                                                       messageNumber: number, body: .modelWeights(weights)))
    }

    /// The receiver's codec work per message: bytes → validated envelope → Tensor.
    static func decode(_ bytes: Data) throws -> Tensor {
        guard case .modelWeights(let weights)? = try WireCodec.decode(bytes).body else {
            throw WireError.missingField(field: "model_weights")
        }
        return try Tensor(wire: weights.parameters, field: "model_weights.parameters")
    }

    func codec() throws -> WireBenchReport.Codec {
        let tensor = model()
        let megabytes = Double(elements * 4) / 1e6
        let repeats = 50
        var encoded = try Self.encode(tensor, number: 0)
        _ = try Self.decode(encoded)
        var start = ContinuousClock.now
        for i in 0..<repeats { encoded = try Self.encode(tensor, number: UInt64(i)) }
        let encodeSeconds = (ContinuousClock.now - start).seconds / Double(repeats)
        start = ContinuousClock.now
        var decoded = tensor
        for _ in 0..<repeats { decoded = try Self.decode(encoded) }
        let decodeSeconds = (ContinuousClock.now - start).seconds / Double(repeats)
        guard decoded == tensor else { throw WireBenchFailure.childFailed("decoded values differ from the encoded ones") }
        let gigabytes = megabytes / 1000
        return .init(encodeMsPerMB: encodeSeconds * 1000 / megabytes, decodeMsPerMB: decodeSeconds * 1000 / megabytes,
                     encodeGBps: gigabytes / encodeSeconds, decodeGBps: gigabytes / decodeSeconds,
                     encodePlusDecodeGBps: gigabytes / (encodeSeconds + decodeSeconds))
    }

    func latency(transport: String, bind: String, payloadBytes: Int, label: String) throws -> WireBenchReport.Latency {
        let child = try WireBenchChild(mode: .echo, bind: bind, curve: nil, defaultAllocator: defaultAllocator)
        defer { child.stop() }
        let payload = payloadBytes == elements * 4 ? try Self.encode(model(), number: 1)
                                                   : Data((0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0) })
        var samples: [Double] = []
        for trip in 0..<(roundTrips + 5) {
            let start = ContinuousClock.now
            try child.client.send([payload], to: .server)
            guard let echo = try child.client.receive(timeout: .seconds(10)), echo.frames.first?.count == payload.count else {
                throw WireBenchFailure.noReply("echo \(trip)")
            }
            if trip >= 5 { samples.append((ContinuousClock.now - start).seconds * 1e6) }
        }
        samples.sort()
        return .init(transport: transport, payload: label, bytes: payload.count,
                     p50Microseconds: samples[samples.count / 2],
                     p99Microseconds: samples[min(samples.count - 1, samples.count * 99 / 100)])
    }

    /// One-way stream of `count` messages with `window` in flight (credit: one ack per message). With `codec`, the
    /// sender encodes each 1M-float `ModelWeights` and the receiver decodes, validates and converts it to a Tensor;
    /// without, pre-encoded bytes (or `smallBytes` raw bytes) travel and are acknowledged unread.
    func throughput(transport: String, bind: String, codec: Bool, curve: Bool, smallBytes: Int? = nil)
        throws -> WireBenchReport.Throughput {
        let keys = curve ? try (server: CurveKeyPair.generate(), client: CurveKeyPair.generate()) : nil
        let child = try WireBenchChild(mode: codec ? .sinkCodec : .sinkRaw, bind: bind, curve: keys,
                                       defaultAllocator: defaultAllocator)
        defer { child.stop() }
        let tensor = model()
        let preEncoded = try smallBytes.map { Data(count: $0) } ?? Self.encode(tensor, number: 0)
        let (count, window) = smallBytes == nil ? (messages, inFlight) : (messages * 100, 64)
        var outstanding = 0
        func send(_ number: Int) throws {
            if outstanding == window {
                guard try child.client.receive(timeout: .seconds(30)) != nil else { throw WireBenchFailure.noReply("ack") }
                outstanding -= 1
            }
            try child.client.send([codec ? try Self.encode(tensor, number: UInt64(number)) : preEncoded], to: .server)
            outstanding += 1
        }
        for warm in 0..<window { try send(warm) }
        let start = ContinuousClock.now
        for number in 0..<count { try send(number) }
        while outstanding > 0 {
            guard try child.client.receive(timeout: .seconds(30)) != nil else { throw WireBenchFailure.noReply("final ack") }
            outstanding -= 1
        }
        // Only the `count` messages sent inside the window are counted (the warm-up ones are not): conservative.
        let seconds = (ContinuousClock.now - start).seconds
        let bytes = smallBytes ?? elements * 4
        return .init(transport: transport, payloadBytes: bytes, codec: codec, curve: curve, messages: count,
                     seconds: seconds, messagesPerSecond: Double(count) / seconds,
                     gigabytesPerSecond: Double(count * bytes) / seconds / 1e9)
    }
}

enum WireBenchFailure: Error, CustomStringConvertible {
    case noReply(String)
    case childFailed(String)
    var description: String {
        switch self {
        case .noReply(let what): "no \(what) from the receiving process within the timeout"
        case .childFailed(let why): "receiving process failed: \(why)"
        }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
