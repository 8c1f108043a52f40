import Foundation
import LetheTensor
import LetheTransport
import LetheWire
import Testing

/// The C client as a separate process against a Swift ROUTER, and garbage over a real socket into a serving loop.
@Suite(.serialized) struct ProcessInteropTests {
    /// The `lethe-c-client` executable built beside the test bundle.
    private func cClientURL() throws -> URL {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.deletingLastPathComponent().appendingPathComponent("lethe-c-client") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "lethe-c-client not built next to the tests; run swift build --build-tests")
    }

    @Test func cClientCompletesHelloWelcomeAndReceivesTheMask() throws {
        let context = try ZMQContext()
        let server = ServingLoop(try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*"))
        defer { server.stop() }
        let process = Process()
        process.executableURL = try cClientURL()
        process.arguments = [server.endpoint, "c-client-1"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(text == "welcome heartbeat_ms=1000 liveness=3 model_version=7 reply_to=1\n"
                + "mask request=req-1 bits=1000 set=334 fraction=0.334\n")
        let kinds = server.results.map { (try? $0.get())?.body?.fieldName }
        #expect(kinds == ["hello", "heartbeat"])
        #expect((try? server.results.first?.get())?.senderID == "c-client-1")
    }

    /// Random and mutated frames over TCP: every one is answered with a typed Error (or a reply when a mutation
    /// happens to stay valid), and the loop still serves a valid Hello afterwards.
    @Test func garbageOverTheSocketIsAnsweredAndTheLoopSurvives() throws {
        let context = try ZMQContext()
        let server = ServingLoop(try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*"))
        defer { server.stop() }
        let client = try ZMQTransport.dealer(context: context, connect: server.endpoint)
        defer { client.close() }
        var rng = SeededGenerator(seed: 9)
        var hello = Lethe_V1_Hello(); hello.sampleCount = 10
        let valid = try WireCodec.encode(WireCodec.envelope(senderID: "fuzzer", messageNumber: 77, body: .hello(hello)))
        var errorCodes = Set<Lethe_V1_ErrorCode>()
        for i in 0..<1500 {
            var frames: [Data]
            switch i % 3 {
            case 0: frames = [Data((0..<rng.nextInt(below: 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })]
            case 1: frames = [Self.mutate(valid, &rng)]
            default: frames = [Data(), Data([1, 2, 3])]  // multipart where one frame is expected
            }
            try client.send(frames, to: .server)
            let reply = try #require(try client.receive(timeout: .seconds(3)))
            let answer = try WireCodec.decode(try #require(reply.frames.first))
            if case .error(let error)? = answer.body { errorCodes.insert(error.code) }
        }
        #expect(errorCodes.isSuperset(of: [.malformed, .unsupportedVersion]))
        #expect(server.results.count == 1500)
        try client.send([valid], to: .server)
        let final = try WireCodec.decode(try #require(try client.receive(timeout: .seconds(3))?.frames.first))
        guard case .welcome? = final.body else { Issue.record("expected Welcome, got \(String(describing: final.body))"); return }
        #expect(final.replyTo == 77)
    }

    static func mutate(_ data: Data, _ rng: inout SeededGenerator) -> Data {
        var bytes = [UInt8](data)
        if rng.nextInt(below: 2) == 0 {
            bytes = Array(bytes.prefix(rng.nextInt(below: bytes.count)))
        } else {
            for _ in 0...rng.nextInt(below: 3) { bytes[rng.nextInt(below: bytes.count)] ^= UInt8(1) << UInt8(rng.nextInt(below: 8)) }
        }
        return Data(bytes)
    }
}
