import Foundation
import LetheClient
import LetheTensor
import LetheUnlearning
import LetheWire
import Testing

@Suite struct EdgeCaseTests {
    let node = makeNode()

    /// A client whose whole data is deleted still answers every phase: an empty, merge-neutral statistics report,
    /// a forget phase without retain steps, and metrics with zero retained samples.
    @Test func wholeClientDeletionLeavesAWorkingHolder() throws {
        var coordinator = ScriptedCoordinator()
        var state = installed(node, &coordinator)
        coordinator.job = "del-all"
        state = drive(node, &coordinator, [deletion("del-all")], from: state).0
        // A whole client is forgotten with the sample reading (look unseen), not the class one (look unknown).
        #expect(state.deletions["del-all"]?.kind == .samples)
        #expect(drive(node, &coordinator, [trainRequest(version: 1)], from: state).1.map(\.errorCode) == [.internal])

        let stats = drive(node, &coordinator, [phase(.statistics, request: "del-all", version: 1)], from: state).1
        guard case .featureStats(let report) = stats.first?.body else { Issue.record("no FeatureStats"); return }
        #expect(report.classes.count == 4 && report.classes.allSatisfy { $0.count == 0 })
        _ = try WireCodec.decode(try WireCodec.encode(stats[0]))

        var mask = WeightMask(count: node.parameterCount)
        for i in stride(from: 0, to: node.parameterCount, by: 3) { mask[i] = true }
        var broadcast = Lethe_V1_MaskBroadcast()
        (broadcast.requestID, broadcast.modelVersion, broadcast.fraction) = ("del-all", 1, 0.33)
        broadcast.mask = WireMask(bitCount: mask.count, words: mask.words).wire
        state = drive(node, &coordinator, [.maskBroadcast(broadcast)], from: state).0
        let forget = drive(node, &coordinator, [phase(.forget, request: "del-all", version: 1)], from: state).1
        guard case .modelDelta(let delta) = forget.first?.body else { Issue.record("no ModelDelta: \(forget)"); return }
        #expect(delta.sampleCount == 48)

        var eval = Lethe_V1_EvalRequest()
        (eval.requestID, eval.modelVersion) = ("del-all", 1)
        guard case .evalReport(let metrics) = drive(node, &coordinator, [.evalRequest(eval)], from: state).1.first?.body
        else { Issue.record("no EvalReport"); return }
        #expect(metrics.metrics.retainSamples == 0 && metrics.metrics.ra == 0 && metrics.metrics.forgetSamples == 48)
    }

    /// Under a small Welcome.max_message_bytes the TrainUpdate is split into chunks that reassemble to the model.
    @Test func trainUpdateIsChunkedUnderTheCoordinatorsLimit() throws {
        var coordinator = ScriptedCoordinator()
        var welcome = Lethe_V1_Welcome()
        (welcome.heartbeatIntervalMs, welcome.liveness, welcome.maxMessageBytes) = (1000, 3, 600_000)
        let state = drive(node, &coordinator, [.welcome(welcome), modelWeights(initialParameters(), version: 1)]).0
        let replies = drive(node, &coordinator, [trainRequest(version: 1)], from: state).1
        #expect(replies.count > 2)
        var assembler = TensorReassembler()
        var whole: Tensor?
        for reply in replies {
            let bytes = try WireCodec.encode(reply)
            #expect(bytes.count <= 600_000)
            guard case .trainUpdate(let update) = try WireCodec.decode(bytes).body else { continue }
            whole = try assembler.add(update.parameters, chunk: update.chunk)
        }
        #expect(whole?.count == node.parameterCount)
    }

    @Test func largeBufferTuningIsAcceptedByGlibc() {
        #expect(MemoryTuning.keepLargeBuffers())
    }
}
