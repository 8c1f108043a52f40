import Foundation
import LetheClient
import LetheNN
import LetheTensor
import LetheWire
import Testing

@Suite struct SessionTests {
    let node = makeNode()

    @Test func helloRegistersRetainedCountAndClasses() throws {
        var coordinator = ScriptedCoordinator()
        guard case .hello(let hello) = node.hello(ClientState()).body else { Issue.record("not a Hello"); return }
        #expect(hello.sampleCount == 48)
        #expect(hello.classLabels == [0, 1, 2, 3])
        #expect(!hello.softwareVersion.isEmpty)
        coordinator.job = "del-1"
        let (state, _) = drive(node, &coordinator, [deletion("del-1", classLabel: 2)])
        guard case .hello(let after) = node.hello(state).body else { Issue.record("not a Hello"); return }
        #expect(after.sampleCount == 36)
        #expect(after.classLabels == [0, 1, 3])
        // A Hello must pass the coordinator's validation.
        _ = try WireCodec.decode(try WireCodec.encode(node.hello(state)))
    }

    @Test func modelWeightsInstallOnlyWithMatchingChecksum() {
        var coordinator = ScriptedCoordinator()
        let parameters = initialParameters()
        let state = installed(node, &coordinator)
        #expect(state.modelVersion == 1)
        #expect(state.parameters == parameters)

        guard case .modelWeights(var corrupt) = modelWeights(parameters.map { $0 + 1 }, version: 2) else { return }
        corrupt.sha256 = Data(SHA256.digest(Tensor(shape: [parameters.count], storage: parameters).wire.data))
        let (rejected, replies) = node.handle(coordinator.envelope(.modelWeights(corrupt)), state: state)
        #expect(replies.map(\.errorCode) == [.invalidValue])
        #expect(rejected.modelVersion == 1 && rejected.parameters == parameters)

        let (short, shortReplies) = drive(node, &coordinator, [modelWeights([1, 2, 3], version: 3)], from: state)
        #expect(shortReplies.map(\.errorCode) == [.shapeMismatch])
        #expect(short.modelVersion == 1)
    }

    @Test func chunkedModelWeightsReassembleToTheSameModel() {
        var coordinator = ScriptedCoordinator()
        let parameters = initialParameters(seed: 9)
        let tensor = Tensor(shape: [parameters.count], storage: parameters)
        let digest = Data(SHA256.digest(tensor.wire.data))
        var state = ClientState()
        let pieces = tensor.wirePieces(maxElements: 150_000)
        #expect(pieces.count == 3)
        for (i, piece) in pieces.reversed().enumerated() {
            var weights = Lethe_V1_ModelWeights()
            weights.modelVersion = 4
            weights.parameters = piece.tensor
            weights.chunk = piece.chunk!
            weights.sha256 = digest
            let replies: [Lethe_V1_Envelope]
            (state, replies) = node.handle(coordinator.envelope(.modelWeights(weights)), state: state)
            #expect(replies.isEmpty)
            #expect(state.modelVersion == (i == pieces.count - 1 ? 4 : nil))
        }
        #expect(state.parameters == parameters)
    }

    @Test func welcomeAndHeartbeatNeedNoReply() {
        var coordinator = ScriptedCoordinator()
        var welcome = Lethe_V1_Welcome()
        welcome.heartbeatIntervalMs = 250
        welcome.liveness = 3
        welcome.maxMessageBytes = 1 << 20
        let (state, replies) = drive(node, &coordinator, [.welcome(welcome), .heartbeat(Lethe_V1_Heartbeat())])
        #expect(replies.isEmpty)
        #expect(state.welcome?.heartbeatIntervalMs == 250)
    }

    @Test func coordinatorOnlyMessagesAreRefused() {
        var coordinator = ScriptedCoordinator()
        var update = Lethe_V1_TrainUpdate()
        update.parameters = Tensor(shape: [2], storage: [1, 2]).wire
        update.sampleCount = 1
        let (_, replies) = drive(node, &coordinator, [.trainUpdate(update)])
        #expect(replies.map(\.errorCode) == [.unexpectedMessage])
        #expect(replies.first?.replyTo == coordinator.number)
    }

    @Test func replayedRequestGetsTheStoredReplyWithoutRerunning() {
        var coordinator = ScriptedCoordinator()
        let state = installed(node, &coordinator)
        let request = coordinator.envelope(trainRequest(version: 1))
        let (trained, first) = node.handle(request, state: state)
        let (_, second) = node.handle(request, state: trained)
        #expect(first == second)
        var tiny = testConfiguration("client-0")
        tiny.replayWindow = 1
        let forgetful = ClientNode(data: node.data, configuration: tiny)
        var other = ScriptedCoordinator()
        let old = other.envelope(.heartbeat(Lethe_V1_Heartbeat()))
        var s = forgetful.handle(old, state: ClientState()).state
        s = forgetful.handle(other.envelope(.heartbeat(Lethe_V1_Heartbeat())), state: s).state
        #expect(forgetful.handle(old, state: s).replies.map(\.errorCode) == [.staleRound])
    }

    /// A restarted coordinator numbers from 1 again: its Welcome starts a new session instead of looking replayed.
    @Test func aWelcomeStartsANewNumberingSession() {
        var coordinator = ScriptedCoordinator()
        let state = drive(node, &coordinator, [modelWeights(initialParameters(), version: 1),
                                               .heartbeat(Lethe_V1_Heartbeat()), .heartbeat(Lethe_V1_Heartbeat())]).0
        var restarted = ScriptedCoordinator()
        var welcome = Lethe_V1_Welcome()
        (welcome.heartbeatIntervalMs, welcome.liveness, welcome.maxMessageBytes) = (1000, 3, 1 << 26)
        let replies = drive(node, &restarted, [.welcome(welcome), trainRequest(version: 1)], from: state).1
        guard case .trainUpdate = replies.first?.body else { Issue.record("refused after restart: \(replies)"); return }
    }

    /// Issue 24: a coordinator restarted with its clients up answers their heartbeats with "send Hello first",
    /// numbered from 1. Before incarnations the client took that Error for a replay (staleRound) and never said
    /// Hello; now the new incarnation resets the replay window and the Error gets a Hello.
    @Test func aNewIncarnationsFirstMessageIsNotAReplayAndGetsAHello() throws {
        var first = ScriptedCoordinator(incarnation: 0xA)
        let state = drive(node, &first, [modelWeights(initialParameters(), version: 2),
                                         .heartbeat(Lethe_V1_Heartbeat()), .heartbeat(Lethe_V1_Heartbeat())]).0
        var restarted = first.restarted(incarnation: 0xB)
        var refusal = Lethe_V1_Error()
        (refusal.code, refusal.message) = (.unauthorized, "client-0 has not said Hello on this connection; send Hello first")
        let (after, replies) = drive(node, &restarted, [.error(refusal)], from: state)
        guard case .hello = replies.first?.body else { Issue.record("no Hello after the restart: \(replies)"); return }
        #expect(after.coordinatorIncarnation == 0xB)
        #expect(after.modelVersion == nil, "the model-version floor belongs to the old incarnation")
    }

    /// Model versions are scoped to an incarnation: a restarted coordinator that trains from version 0 again is
    /// obeyed, where the same lower version from the same incarnation is still refused as stale.
    @Test func modelVersionsAreScopedToTheIncarnation() throws {
        var first = ScriptedCoordinator(incarnation: 0xA)
        let state = drive(node, &first, [modelWeights(initialParameters(), version: 2)]).0
        let sameIncarnation = drive(node, &first, [modelWeights(initialParameters(seed: 8), version: 1)], from: state)
        #expect(sameIncarnation.1.map(\.errorCode) == [.staleModel])
        var restarted = first.restarted(incarnation: 0xB)
        var welcome = Lethe_V1_Welcome()
        (welcome.heartbeatIntervalMs, welcome.liveness, welcome.maxMessageBytes) = (1000, 3, 1 << 26)
        let (after, _) = drive(node, &restarted, [.welcome(welcome), modelWeights(initialParameters(seed: 8), version: 1)],
                               from: state)
        #expect(after.modelVersion == 1 && after.parameters == initialParameters(seed: 8))
        let replies = drive(node, &restarted, [trainRequest(version: 1)], from: after).1
        guard case .trainUpdate = replies.first?.body else { Issue.record("refused after restart: \(replies)"); return }
    }
}

@Suite struct SharedModelsTests {
    /// Nodes that install one broadcast through `SharedModels` hold one array between them, and share one scratch
    /// model; a node's own training never writes the shared weights.
    @Test func nodesInstallingOneVersionShareOneCopy() throws {
        let shared = SharedModels()
        let scratch = Architecture.cnnSmall.build(seed: 0, classes: 4)
        let nodes = (0..<2).map { index in
            ClientNode(data: ClientData(train: bandImages(count: 48, seed: 1 + UInt64(index)),
                                        test: bandImages(count: 24, seed: 101, firstID: 90_000)),
                       configuration: testConfiguration("client-\(index)"), scratch: scratch, sharedModels: shared)
        }
        var coordinator = ScriptedCoordinator()
        let parameters = initialParameters()
        let states = nodes.map { node in node.handle(coordinator.envelope(modelWeights(parameters, version: 1)),
                                                     state: ClientState()).state }
        #expect(states.allSatisfy { $0.modelVersion == 1 && $0.parameters == parameters })
        let addresses = states.map { $0.parameters.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
        #expect(addresses[0] == addresses[1], "each node holds its own copy")
        #expect(shared.count == 1)
        let trained = drive(nodes[0], &coordinator, [trainRequest(version: 1)], from: states[0])
        #expect(trained.1.contains { if case .trainUpdate = $0.body { true } else { false } })
        #expect(states[1].parameters == parameters, "training wrote the shared weights")
    }

    /// A copy with the bytes of a verified model skips the hash; one that claims the digest with other bytes is
    /// hashed, and refused.
    @Test func onlyIdenticalBytesSkipTheChecksum() throws {
        let shared = SharedModels()
        let node = ClientNode(data: ClientData(train: bandImages(count: 48, seed: 1),
                                               test: bandImages(count: 24, seed: 101, firstID: 90_000)),
                              configuration: testConfiguration("client-0"),
                              scratch: Architecture.cnnSmall.build(seed: 0, classes: 4), sharedModels: shared)
        var coordinator = ScriptedCoordinator()
        let parameters = initialParameters()
        guard case .modelWeights(let valid) = modelWeights(parameters, version: 1) else { return }
        let digest = [UInt8](valid.sha256)
        #expect(shared.alreadyVerified(parameters, sha256: digest) == nil, "nothing is verified yet")
        let installed = node.handle(coordinator.envelope(.modelWeights(valid)), state: ClientState()).state
        #expect(installed.modelVersion == 1)
        #expect(shared.alreadyVerified(parameters, sha256: digest) != nil)
        var tampered = parameters
        tampered[3] += 1
        #expect(shared.alreadyVerified(tampered, sha256: digest) == nil)
        var forged = valid
        forged.modelVersion = 2
        forged.parameters = Tensor(shape: [tampered.count], storage: tampered).wire
        let after = node.handle(coordinator.envelope(.modelWeights(forged)), state: installed).state
        #expect(after.modelVersion == 1 && after.parameters == parameters, "a forged copy was installed")
    }
}
