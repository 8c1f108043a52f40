import Foundation
import LetheClient
import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire
import Testing

/// A node with the model installed as version 1 and deletion "del-1" of four samples recorded.
func holder(_ node: ClientNode, _ coordinator: inout ScriptedCoordinator) -> ClientState {
    let state = installed(node, &coordinator)
    coordinator.job = "del-1"
    return drive(node, &coordinator, [deletion("del-1", ids: [1000, 1002, 1007, 1013])], from: state).0
}

func saliencyRequest(_ encoding: Lethe_V1_SaliencyEncoding, fraction: Float = 0.25) -> Lethe_V1_Envelope.OneOf_Body {
    var request = Lethe_V1_SaliencyRequest()
    request.requestID = "del-1"
    request.modelVersion = 1
    request.encoding = encoding
    request.topFraction = fraction
    return .saliencyRequest(request)
}

func maskBroadcast(_ mask: WeightMask) -> Lethe_V1_Envelope.OneOf_Body {
    var broadcast = Lethe_V1_MaskBroadcast()
    broadcast.requestID = "del-1"
    broadcast.modelVersion = 1
    broadcast.mask = WireMask(bitCount: mask.count, words: mask.words).wire
    broadcast.fraction = 0.5
    return .maskBroadcast(broadcast)
}

/// The task the client should build: forget positions 0, 2, 7, 13 against the rest of its data.
func directTask(_ node: ClientNode) throws -> UnlearningTask {
    let forget = [0, 2, 7, 13]
    return try UnlearningTask(train: node.data.train, forget: forget,
                              retain: (0..<48).filter { !forget.contains($0) })
}

func directModel() -> Sequential { Architecture.cnnSmall.build(seed: 7, classes: 4) }

@Suite struct SaliencyTests {
    let node = makeNode()

    @Test func denseScoresEqualTheDirectComputation() throws {
        var coordinator = ScriptedCoordinator()
        let state = holder(node, &coordinator)
        let replies = drive(node, &coordinator, [saliencyRequest(.dense)], from: state).1
        guard case .saliencyReport(let report) = replies.first?.body, case .dense(let dense) = report.scores else {
            Issue.record("expected a dense SaliencyReport, got \(replies)"); return
        }
        let expected = WSSCL.saliencyScores(directModel(), task: try directTask(node))
        #expect(report.forgetSampleCount == 4)
        #expect(try Tensor(wire: dense).storage == expected)
    }

    @Test func topKIsTheClientsTopFractionAsABitset() throws {
        var coordinator = ScriptedCoordinator()
        let state = holder(node, &coordinator)
        let replies = drive(node, &coordinator, [saliencyRequest(.topK, fraction: 0.25)], from: state).1
        guard case .saliencyReport(let report) = replies.first?.body, case .topK(let bits) = report.scores else {
            Issue.record("expected a top-k SaliencyReport, got \(replies)"); return
        }
        let mask = try WireMask(wire: bits)
        let expected = try WeightMask.topFraction(WSSCL.saliencyScores(directModel(), task: try directTask(node)),
                                                  fraction: 0.25)
        #expect(mask.bitCount == node.parameterCount)
        #expect(mask.popCount == Int((0.25 * Double(node.parameterCount)).rounded()))
        #expect(mask.words == expected.words)
    }

    @Test func nonHoldersAndBadMasksAreRefused() {
        var coordinator = ScriptedCoordinator(job: "del-1")
        let state = installed(node, &coordinator)
        #expect(drive(node, &coordinator, [saliencyRequest(.dense)], from: state).1.map(\.errorCode) == [.unknownJob])
        let holding = holder(node, &coordinator)
        let wrongSize = maskBroadcast(WeightMask(count: 64))
        #expect(drive(node, &coordinator, [wrongSize], from: holding).1.map(\.errorCode) == [.shapeMismatch])
    }
}

@Suite struct PhaseTests {
    let node = makeNode()

    /// The forget phase's delta covers exactly the mask, and base + delta is what running the phase directly gives,
    /// so no weight outside the mask moved.
    @Test func forgetDeltaTouchesOnlyMaskedWeights() throws {
        var coordinator = ScriptedCoordinator()
        var state = holder(node, &coordinator)
        #expect(drive(node, &coordinator, [phase(.forget, request: "del-1", version: 1)], from: state).1
            .map(\.errorCode) == [.unexpectedMessage])
        let mask = try WeightMask.topFraction(WSSCL.saliencyScores(directModel(), task: try directTask(node)),
                                              fraction: 0.5)
        state = drive(node, &coordinator, [maskBroadcast(mask)], from: state).0
        let replies = drive(node, &coordinator, [phase(.forget, request: "del-1", version: 1)], from: state).1
        guard case .modelDelta(let message) = replies.first?.body else { Issue.record("no ModelDelta: \(replies)"); return }
        let delta = try WireSparseDelta(wire: message.delta)
        #expect(message.phase == .forget && message.sampleCount == 4 && message.baseModelVersion == 1)
        #expect(delta.mask.words == mask.words)
        #expect(delta.values.contains { $0 != 0 })

        let direct = directModel()
        var configuration = testConfiguration("client-0").wsscl
        configuration.stage1.epochs = 1
        configuration.stage1.learningRate = 0.01
        let clientStream = "client-0".utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        var rng = SeededGenerator(seed: 11).derived(clientStream)
        var method = WSSCL(configuration: configuration)
        method.heldOutReference = HeldOutSamples(dataset: node.data.test, positions: Array(0..<node.data.test.count))
        try method.forgettingPhase(direct, original: direct.clone(), task: try directTask(node), mask: mask, rng: &rng)
        let base = initialParameters()
        let applied = zip(base, delta.scattered()).map { $0 + $1 }
        let expected = direct.parameters.values
        let outside = (0..<expected.count).filter { !mask[$0] }
        #expect(outside.allSatisfy { expected[$0] == base[$0] })
        #expect(zip(applied, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
    }

    @Test func contrastivePhaseNeedsGlobalStatisticsThenReturnsAMaskedDelta() throws {
        var coordinator = ScriptedCoordinator()
        var state = holder(node, &coordinator)
        let mask = try WeightMask.topFraction(WSSCL.saliencyScores(directModel(), task: try directTask(node)),
                                              fraction: 0.5)
        state = drive(node, &coordinator, [maskBroadcast(mask)], from: state).0
        #expect(drive(node, &coordinator, [phase(.contrastive, request: "del-1", version: 1)], from: state).1
            .map(\.errorCode) == [.unexpectedMessage])
        let statsReply = drive(node, &coordinator, [phase(.statistics, request: "del-1", version: 1)], from: state).1
        guard case .featureStats(let stats) = statsReply.first?.body else { Issue.record("no FeatureStats"); return }
        var global = Lethe_V1_GlobalStats()
        global.requestID = "del-1"
        global.modelVersion = 1
        global.featureDim = stats.featureDim
        global.classes = stats.classes
        global.contributorCount = 1
        state = drive(node, &coordinator, [.globalStats(global)], from: state).0
        let replies = drive(node, &coordinator, [phase(.contrastive, request: "del-1", version: 1)], from: state).1
        guard case .modelDelta(let message) = replies.first?.body else { Issue.record("no ModelDelta: \(replies)"); return }
        let delta = try WireSparseDelta(wire: message.delta)
        #expect(message.phase == .contrastive && message.sampleCount == 4)
        #expect(delta.mask.words == mask.words && delta.values.contains { $0 != 0 })
    }
}
