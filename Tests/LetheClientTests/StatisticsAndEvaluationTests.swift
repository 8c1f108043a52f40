import Foundation
import LetheClient
import LetheData
import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire
import Testing

@Suite struct StatisticsTests {
    func stats(_ node: ClientNode, sigma: Double = 0) throws -> Lethe_V1_FeatureStats? {
        var coordinator = ScriptedCoordinator(job: "del-1")
        let state = installed(node, &coordinator)
        let replies = drive(node, &coordinator, [phase(.statistics, request: "del-1", version: 1, sigma: sigma)],
                            from: state).1
        guard case .featureStats(let stats) = replies.first?.body else { return nil }
        _ = try WireCodec.decode(try WireCodec.encode(replies[0]))
        return stats
    }

    /// Two clients' statistics, merged by addition, equal the statistics of their pooled data computed in one go.
    @Test func twoClientsMergeExactlyIntoTheDirectStatistics() throws {
        let a = makeNode("client-0", seed: 1), b = makeNode("client-1", seed: 2)
        let sa = try #require(try stats(a)), sb = try #require(try stats(b))
        let merged = try WireFeatureStatistics(featureDim: sa.featureDim, wireClasses: sa.classes)
            .merged(with: try WireFeatureStatistics(featureDim: sb.featureDim, wireClasses: sb.classes))
        let pooled = ImageDataset(images: a.data.train.images + b.data.train.images,
                                  labels: a.data.train.labels + b.data.train.labels, channels: 1, height: 28, width: 28,
                                  classCount: 4)
        let direct = try FeatureStatistics.of(directModel(), dataset: pooled, positions: Array(0..<pooled.count))
        #expect(merged.featureDim == direct.dimension && merged.classes.count == 4)
        for entry in merged.classes {
            let c = Int(entry.label), d = direct.dimension
            #expect(Double(entry.count) == direct.counts[c])
            for k in 0..<d {
                #expect(abs(entry.sum[k] - direct.sums[c * d + k]) <= 1e-9 * max(1, abs(direct.sums[c * d + k])))
                #expect(abs(entry.sumSquares[k] - direct.sumsOfSquares[c * d + k])
                        <= 1e-9 * max(1, abs(direct.sumsOfSquares[c * d + k])))
            }
        }
    }

    @Test func noiseChangesTheSumsNotTheCountsAndStatesEpsilon() throws {
        let node = makeNode()
        let exact = try #require(try stats(node)), noisy = try #require(try stats(node, sigma: 0.5))
        #expect(exact.noiseSigma == 0 && exact.epsilon == 0)
        #expect(noisy.noiseSigma == 0.5 && noisy.delta == 1e-5 && noisy.epsilon > 0)
        #expect(noisy.classes.map(\.count) == exact.classes.map(\.count))
        #expect(noisy.classes.map(\.sum) != exact.classes.map(\.sum))
        let again = try #require(try stats(node, sigma: 0.5))
        #expect(again.classes == noisy.classes)
    }
}

@Suite struct EvaluationTests {
    let node = makeNode()

    func report(_ state: ClientState, request: String, _ coordinator: inout ScriptedCoordinator) -> Lethe_V1_Metrics? {
        var eval = Lethe_V1_EvalRequest()
        eval.requestID = request
        eval.modelVersion = 1
        guard case .evalReport(let report) = drive(node, &coordinator, [.evalRequest(eval)], from: state).1.first?.body
        else { return nil }
        return report.metrics
    }

    @Test func nonHolderReportsRetainedAndTestFiguresOnly() throws {
        var coordinator = ScriptedCoordinator(job: "del-9")
        let metrics = try #require(report(installed(node, &coordinator), request: "del-9", &coordinator))
        let model = directModel()
        #expect(metrics.ua == 0 && metrics.mia == 0 && metrics.forgetSamples == 0)
        #expect(metrics.ra == Evaluator.evaluate(model, on: node.data.train, positions: Array(0..<48)).accuracy)
        #expect(metrics.ta == Evaluator.evaluate(model, on: node.data.test, positions: Array(0..<24)).accuracy)
        #expect(metrics.retainSamples == 48 && metrics.testSamples == 24)
    }

    @Test func holderReportsUnlearningAccuracyAndMIA() throws {
        var coordinator = ScriptedCoordinator()
        let state = holder(node, &coordinator)
        let metrics = try #require(report(state, request: "del-1", &coordinator))
        let model = directModel(), task = try directTask(node)
        #expect(metrics.forgetSamples == 4 && metrics.retainSamples == 44)
        #expect(metrics.ua == 100 - Evaluator.evaluate(model, on: node.data.train, positions: task.forget).accuracy)
        #expect(metrics.ra == Evaluator.evaluate(model, on: node.data.train, positions: task.retain).accuracy)
        #expect((0...100).contains(metrics.mia))
    }

    @Test func classDeletionLeavesTheForgottenClassOutOfTA() throws {
        var coordinator = ScriptedCoordinator(job: "del-c")
        let state = drive(node, &coordinator, [deletion("del-c", classLabel: 3)], from: installed(node, &coordinator)).0
        let metrics = try #require(report(state, request: "del-c", &coordinator))
        let kept = (0..<24).filter { node.data.test.labels[$0] != 3 }
        #expect(metrics.testSamples == UInt64(kept.count) && metrics.forgetSamples == 12)
        #expect(metrics.ta == Evaluator.evaluate(directModel(), on: node.data.test, positions: kept).accuracy)
    }
}
