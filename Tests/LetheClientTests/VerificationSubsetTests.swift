@testable import LetheClient
import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire
import Testing

@Suite struct VerificationSubsetTests {
    @Test func evenlySpacedKeepsAtMostTheLimitAcrossTheWholeRange() {
        let positions = Array(100..<110)
        #expect(ClientNode.evenlySpaced(positions, limit: 4) == [100, 102, 105, 107])
        #expect(ClientNode.evenlySpaced(positions, limit: nil) == positions)
        #expect(ClientNode.evenlySpaced(positions, limit: 10) == positions)
        #expect(ClientNode.evenlySpaced(positions, limit: 50) == positions)
    }

    /// With both verification limits set, RA and TA are measured on exactly the evenly spaced subsets.
    @Test func verificationMeasuresTheEvenlySpacedRetainedAndTestSubsets() throws {
        var configuration = testConfiguration("client-0")
        configuration.verificationRetainLimit = 12
        configuration.verificationTestLimit = 10
        let node = ClientNode(data: makeNode().data, configuration: configuration)
        var coordinator = ScriptedCoordinator(job: "del-9")
        let state = installed(node, &coordinator)
        var eval = Lethe_V1_EvalRequest()
        eval.requestID = "del-9"
        eval.modelVersion = 1
        guard case .evalReport(let report) = drive(node, &coordinator, [.evalRequest(eval)], from: state).1.first?.body
        else { Issue.record("no eval report"); return }
        let model = directModel()
        let retained = ClientNode.evenlySpaced(Array(0..<48), limit: 12)
        let test = ClientNode.evenlySpaced(Array(0..<24), limit: 10)
        #expect(report.metrics.retainSamples == 12 && report.metrics.testSamples == 10)
        #expect(report.metrics.ra == Evaluator.evaluate(model, on: node.data.train, positions: retained).accuracy)
        #expect(report.metrics.ta == Evaluator.evaluate(model, on: node.data.test, positions: test).accuracy)
    }
}

@Suite struct SaliencySubsetTests {
    /// 600 forget samples are three score batches; a 256-sample subset is one, so its scores are tripled, and the
    /// top-half mask it gives agrees with the whole set's on most weights.
    @Test func aSubsetIsScaledToTheWholeSetAndRanksWeightsAlike() throws {
        let train = bandImages(count: 700, seed: 3)
        let task = try UnlearningTask(train: train, forget: Array(0..<600), retain: Array(600..<700))
        let model = directModel()
        let full = ClientNode.saliency(model, task: task, limit: nil)
        #expect(full == WSSCL.saliencyScores(model, task: task))
        #expect(ClientNode.saliency(model, task: task, limit: 600) == full)
        let subset = ClientNode.saliency(model, task: task, limit: 256)
        let direct = WSSCL.saliencyScores(model, task: task, positions: ClientNode.evenlySpaced(task.forget, limit: 256))
        #expect(subset == direct.map { $0 * 3 })
        let fullMask = try WeightMask.topFraction(full, fraction: 0.5)
        let subsetMask = try WeightMask.topFraction(subset, fraction: 0.5)
        let agree = (0..<full.count).filter { fullMask[$0] == subsetMask[$0] }.count
        #expect(Double(agree) / Double(full.count) > 0.8, "masks agree on \(agree) of \(full.count) weights")
        let sumRatio = subset.reduce(0, +) / full.reduce(0, +)
        #expect(abs(sumRatio - 1) < 0.2, "subset/full score mass \(sumRatio)")
    }
}
