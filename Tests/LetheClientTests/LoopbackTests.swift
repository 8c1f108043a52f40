import Foundation
import LetheClient
import LetheTransport
import LetheWire
import Testing

/// A scripted coordinator on the test thread, talking to a `ClientRunner` on its own thread over a real transport.
final class LoopbackCoordinator {
    let transport: MessageTransport
    var script = ScriptedCoordinator()
    var peer: PeerID?
    var heartbeats = 0
    var logLines: [String] = []

    init(_ transport: MessageTransport) { self.transport = transport }

    func send(_ body: Lethe_V1_Envelope.OneOf_Body) throws { try sendRaw(script.bytes(body)) }

    func sendRaw(_ bytes: Data) throws { try transport.send([bytes], to: try #require(peer)) }

    /// The next envelope from the client other than heartbeats (counted) and, with `skipHellos`, repeated Hellos
    /// (a client repeats Hello until welcomed), or nil after `timeout`.
    func next(timeout: Duration = .seconds(20), skipHellos: Bool = true) throws -> Lethe_V1_Envelope? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = try transport.receive(timeout: .milliseconds(100)) else { continue }
            peer = message.peer
            let envelope = try WireCodec.decode(message.frames[0])
            if case .heartbeat = envelope.body { heartbeats += 1; continue }
            if skipHellos, case .hello = envelope.body { continue }
            return envelope
        }
        return nil
    }

    /// Registration, a training round, a malformed message, a deletion and an evaluation, in protocol order.
    func runScript() throws {
        guard case .hello(let hello) = try next(skipHellos: false)?.body else { Issue.record("no Hello"); return }
        #expect(hello.sampleCount == 48)
        var welcome = Lethe_V1_Welcome()
        (welcome.heartbeatIntervalMs, welcome.liveness, welcome.maxMessageBytes) = (50, 20, 64 << 20)
        try send(.welcome(welcome))
        try send(modelWeights(initialParameters(), version: 1))
        try send(trainRequest(version: 1))
        let update = try next()
        guard case .trainUpdate(let trained) = update?.body else { Issue.record("no TrainUpdate: \(String(describing: update))"); return }
        #expect(trained.sampleCount == 48 && update?.replyTo == script.number && update?.senderID == "client-0")

        try sendRaw(Data("not an envelope".utf8))
        #expect(try next()?.errorCode == .malformed)

        script.job = "del-1"
        try send(deletion("del-1", ids: [1001, 1002]))
        guard case .deletionAck(let ack) = try next()?.body else { Issue.record("no DeletionAck"); return }
        #expect(ack.state == .recorded)
        var eval = Lethe_V1_EvalRequest()
        (eval.requestID, eval.modelVersion) = ("del-1", 1)
        try send(.evalRequest(eval))
        guard case .evalReport(let report) = try next()?.body else { Issue.record("no EvalReport"); return }
        #expect(report.metrics.forgetSamples == 2 && report.metrics.retainSamples == 46)
    }
}

/// Runs `runner` on its own thread until the script is done.
func serve(_ runner: ClientRunner, during script: () throws -> Void) rethrows {
    let done = DispatchSemaphore(value: 0)
    Thread { runner.run(); done.signal() }.start()
    defer { runner.stop(); done.wait() }
    try script()
}

@Suite(.serialized) struct LoopbackTests {
    @Test func inProcessClientServesAScriptedCoordinator() throws {
        let network = InProcessNetwork()
        let server = try network.bind("coordinator")
        let client = try network.connect("coordinator", identity: PeerID(Data("client-0".utf8)))
        let coordinator = LoopbackCoordinator(server)
        let runner = ClientRunner(node: makeNode(), transport: client)
        try serve(runner) { try coordinator.runScript() }
        #expect(coordinator.heartbeats > 0)
        #expect(runner.currentState().deletedPositions == [1, 2])
    }

    @Test func zeroMQClientServesAScriptedCoordinatorOverTCP() throws {
        let context = try ZMQContext()
        var options = SocketOptions()
        options.sendTimeoutMilliseconds = 10_000
        let router = try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*", options: options)
        defer { router.close() }
        let dealer = try ZMQTransport.dealer(context: context, connect: router.endpoint, options: options)
        defer { dealer.close() }
        let coordinator = LoopbackCoordinator(router)
        try serve(ClientRunner(node: makeNode(), transport: dealer)) { try coordinator.runScript() }
    }

    func quickRunner(_ network: InProcessNetwork, intervalMs: UInt32) throws -> ClientRunner {
        let client = try network.connect("coordinator", identity: PeerID(Data("client-0".utf8)))
        var configuration = testConfiguration("client-0")
        (configuration.heartbeatIntervalMs, configuration.liveness) = (intervalMs, 2)
        return ClientRunner(node: ClientNode(data: makeNode().data, configuration: configuration), transport: client)
    }

    @Test func anUnansweredHelloIsRepeated() throws {
        let network = InProcessNetwork()
        let coordinator = LoopbackCoordinator(try network.bind("coordinator"))
        try serve(try quickRunner(network, intervalMs: 20)) {
            for attempt in 1...2 {
                guard case .hello = try coordinator.next(timeout: .seconds(5), skipHellos: false)?.body else {
                    Issue.record("no Hello number \(attempt)"); return
                }
            }
        }
    }

    /// After a Welcome, silence for `liveness` intervals makes the client register again (coordinator restarts).
    @Test func silenceAfterWelcomeTriggersANewHello() throws {
        let network = InProcessNetwork()
        let coordinator = LoopbackCoordinator(try network.bind("coordinator"))
        try serve(try quickRunner(network, intervalMs: 500)) {
            guard case .hello = try coordinator.next(skipHellos: false)?.body else { Issue.record("no Hello"); return }
            var welcome = Lethe_V1_Welcome()
            (welcome.heartbeatIntervalMs, welcome.liveness, welcome.maxMessageBytes) = (20, 2, 1 << 20)
            try coordinator.send(.welcome(welcome))
            let sent = ContinuousClock.now
            guard case .hello = try coordinator.next(timeout: .seconds(5), skipHellos: false)?.body else {
                Issue.record("no second Hello after silence"); return
            }
            #expect(ContinuousClock.now - sent >= .milliseconds(40))
        }
    }
}
