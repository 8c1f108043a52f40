import Foundation
@testable import LetheClient
import LetheData
import LetheNN
import LetheTensor
import LetheTestSupport
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

    /// Float32 roundoffs of a class sum allowed between two batchings of the same features. The features (ReLU
    /// outputs, so Σh = Σ|h|) come out of float32 GEMMs whose summation order depends on the OpenBLAS kernel and on
    /// the batch: differences of up to 1.5 roundoffs were seen (Zen against Cooperlake). A dropped or doubled sample
    /// moves a class sum by about 1/count (~4 % here), five orders of magnitude above this bound.
    static let batchingRoundoffs = 64.0

    /// Two clients' statistics, merged by addition, equal the statistics of their pooled data computed in one go
    /// (to float32 roundoff: the clients and the direct pass batch the features differently).
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
                let (sum, squares) = (direct.sums[c * d + k], direct.sumsOfSquares[c * d + k])
                #expect(Float32Tolerance.isClose(entry.sum[k], sum, roundoffs: Self.batchingRoundoffs),
                        "class \(c) sum[\(k)]: merged \(entry.sum[k]), direct \(sum)")
                // δ(h²) = 2h·δh: twice the sum's relative bound.
                #expect(Float32Tolerance.isClose(entry.sumSquares[k], squares, roundoffs: 2 * Self.batchingRoundoffs),
                        "class \(c) sumSquares[\(k)]: merged \(entry.sumSquares[k]), direct \(squares)")
            }
        }
    }

    /// With a retain limit the release describes exactly the evenly spaced subset, its counts included.
    @Test func aRetainLimitDescribesTheEvenlySpacedSubset() throws {
        var configuration = testConfiguration("client-0")
        configuration.statisticsRetainLimit = 20
        let full = makeNode()
        let limited = ClientNode(data: full.data, configuration: configuration)
        let reply = try #require(try stats(limited))
        let release = try WireFeatureStatistics(featureDim: reply.featureDim, wireClasses: reply.classes)
        let subset = ClientNode.evenlySpaced(Array(0..<48), limit: 20)
        let direct = try FeatureStatistics.of(directModel(), dataset: full.data.train, positions: subset)
        #expect(release.classes.map(\.count).reduce(0, +) == 20)
        for entry in release.classes {
            let c = Int(entry.label), d = direct.dimension
            #expect(Double(entry.count) == direct.counts[c])
            let expected = Array(direct.sums[(c * d)..<((c + 1) * d)])
            let worst = zip(entry.sum, expected).map { pair -> Double in
                abs(pair.0 - pair.1) / max(1, abs(pair.1))
            }.max() ?? 0
            #expect(worst <= Float32Tolerance.bound(roundoffs: Self.batchingRoundoffs, scale: 1),
                    "class \(c): worst relative difference \(worst)")
        }
    }

    /// With noise the counts move too, the reply states the ε that the coordinator's calibration assigns to the
    /// request's σ, the same request asked again gets the identical release, and another noise key another one.
    @Test func noiseCoversCountsAndSumsAndStatesTheCalibratedEpsilon() throws {
        let node = makeNode()
        let sigma = try GaussianNoiseScales.unitSigma(epsilon: 2, delta: 1e-5)
        let exact = try #require(try stats(node)), noisy = try #require(try stats(node, sigma: sigma))
        #expect(exact.noiseSigma == 0 && exact.epsilon == 0)
        #expect(noisy.noiseSigma == sigma && noisy.delta == 1e-5)
        #expect(abs(noisy.epsilon - 2) < 1e-9, "stated ε \(noisy.epsilon)")
        #expect(noisy.classes.map(\.count) != exact.classes.map(\.count))
        #expect(noisy.classes.map(\.sum) != exact.classes.map(\.sum))
        let again = try #require(try stats(node, sigma: sigma))
        #expect(again.classes == noisy.classes)
        let otherKey = try #require(try stats(makeNode(noiseSeed: 43), sigma: sigma))
        #expect(otherKey.classes.map(\.sum) != noisy.classes.map(\.sum))
    }

    /// What the client adds to Σh² has standard deviation σB² (and to Σh, σB): 16 releases under different noise
    /// keys minus the exact sums of the clipped features; 4 % tolerance on thousands of draws (about 4 standard
    /// errors).
    @Test func noiseOnSumsOfSquaresHasTheStatedSigma() throws {
        let sigma = 0.5, bound = Double(testConfiguration("x").featureClipNorm)
        let exact = try FeatureStatistics.of(directModel(), dataset: makeNode().data.train, positions: Array(0..<48),
                                             clipNorm: Float(bound))
        let d = exact.dimension
        let sumSigma: Double = sigma * bound, squareSigma: Double = sigma * bound * bound
        var squares: [Double] = [], sums: [Double] = []
        for key in 0..<16 {
            let reply = try #require(try stats(makeNode(noiseSeed: UInt64(key)), sigma: sigma))
            let release = try WireFeatureStatistics(featureDim: reply.featureDim, wireClasses: reply.classes)
            for entry in release.classes {
                let offset = Int(entry.label) * d
                for k in 0..<d {
                    let square: Double = entry.sumSquares[k] - exact.sumsOfSquares[offset + k]
                    let sum: Double = entry.sum[k] - exact.sums[offset + k]
                    squares.append(square / squareSigma)
                    sums.append(sum / sumSigma)
                }
            }
        }
        for (name, z) in [("Σh²", squares), ("Σh", sums)] {
            let rms = (z.reduce(0) { $0 + $1 * $1 } / Double(z.count)).squareRoot()
            #expect(z.count >= 2000 && abs(rms - 1) < 0.04, "\(name): \(z.count) draws, std / stated σ = \(rms)")
        }
    }
}

@Suite struct EvaluationTests {
    let node = makeNode()

    func report(_ state: ClientState, request: String, _ coordinator: inout ScriptedCoordinator,
                by client: ClientNode? = nil) -> Lethe_V1_Metrics? {
        var eval = Lethe_V1_EvalRequest()
        eval.requestID = request
        eval.modelVersion = 1
        guard case .evalReport(let report) = drive(client ?? node, &coordinator, [.evalRequest(eval)], from: state).1
            .first?.body
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

    /// A client that stamped a canary also reports its ASR on its own triggered test images (true class ≠
    /// target), as the central audit computes it; a client without one reports none.
    @Test func aCanaryHolderReportsItsASROnItsOwnTriggeredTestImages() throws {
        var configuration = testConfiguration("client-0")
        let canary = Canary(target: 1, size: 3)
        configuration.canary = canary
        let canaryNode = ClientNode(data: node.data, configuration: configuration)
        var coordinator = ScriptedCoordinator()
        let metrics = try #require(report(holder(canaryNode, &coordinator), request: "del-1", &coordinator,
                                          by: canaryNode))
        let audit = try CanaryAudit(canary: canary, test: node.data.test)
        #expect(metrics.canarySamples == UInt64(audit.triggered.count) && metrics.canarySamples > 0)
        #expect(metrics.asr == audit.attackSuccessRate(directModel()))
        var plain = ScriptedCoordinator()
        let without = try #require(report(holder(node, &plain), request: "del-1", &plain))
        #expect(without.canarySamples == 0 && without.asr == 0)
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
