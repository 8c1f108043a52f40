import Foundation
import LetheTransport
import LetheWire

/// The receiving process of `lethe bench wire`: binds a ROUTER, prints the endpoint, serves until "STOP".
enum WireBenchServer {
    enum Mode: String, CaseIterable {
        /// Send every message back unchanged (latency).
        case echo
        /// Decode, validate and convert each message to a Tensor, then acknowledge it (throughput with codec).
        case sinkCodec = "sink-codec"
        /// Acknowledge each message without looking at it (throughput without codec).
        case sinkRaw = "sink-raw"
    }

    static let stop = Data("STOP".utf8)

    static func run(mode: Mode, bind: String, curveSecret: String?, curvePublic: String?, allowKey: String?) throws {
        let context = try ZMQContext()
        var curve: CurveServerConfig?
        if let curveSecret, let curvePublic, let allowKey {
            curve = CurveServerConfig(keyPair: try CurveKeyPair(publicKey: curvePublic, secretKey: curveSecret),
                                      allowedClientKeys: [allowKey])
        }
        let router = try ZMQTransport.router(context: context, bind: bind, curve: curve)
        defer { router.close() }
        FileHandle.standardOutput.write(Data((router.endpoint + "\n").utf8))  // unbuffered: the parent waits for it
        let ack = [Data([1])]
        while let message = try router.receive(timeout: .seconds(60)) {
            if message.frames == [stop] { break }
            switch mode {
            case .echo: try router.send(message.frames, to: message.peer)
            case .sinkCodec:
                _ = try WireBench.decode(message.frames[0])
                try router.send(ack, to: message.peer)
            case .sinkRaw: try router.send(ack, to: message.peer)
            }
        }
    }
}

/// A receiving process started for one run, with the sender's DEALER connected to it.
final class WireBenchChild {
    let process = Process()
    let client: ZMQTransport
    private let context: ZMQContext

    init(mode: WireBenchServer.Mode, bind: String, curve: (server: CurveKeyPair, client: CurveKeyPair)?,
         defaultAllocator: Bool) throws {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["bench", "wire", "--serve", mode.rawValue, "--bind", bind]
            + (defaultAllocator ? ["--default-allocator"] : [])
        if let curve {
            process.arguments! += ["--curve-secret", curve.server.secretKey, "--curve-public", curve.server.publicKey,
                                   "--allow-key", curve.client.publicKey]
        }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw WireBenchFailure.childFailed("exited before printing its endpoint") }
            line.append(chunk)
        }
        let endpoint = String(decoding: line.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        context = try ZMQContext()
        client = try ZMQTransport.dealer(context: context, connect: endpoint, curve: curve.map {
            CurveClientConfig(keyPair: $0.client, serverPublicKey: $0.server.publicKey)
        })
    }

    func stop() {
        try? client.send([WireBenchServer.stop], to: .server)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        client.close()
    }
}
