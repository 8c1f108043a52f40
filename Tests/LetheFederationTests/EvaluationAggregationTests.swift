import LetheFederation
import LetheWire
import Testing

/// How the verification reports of several clients become the job's figures: each figure weighted by the samples
/// behind it, the canary's ASR only over the clients that hold one.
@Suite struct EvaluationAggregationTests {
    let strategy = FederatedWSSCL(unlearning: .init())

    @Test func asrIsWeightedByTriggeredImagesAndAbsentWithoutACanary() throws {
        let holder = WireMetrics(ua: 90, ra: 80, ta: 70, mia: 60, forgetSamples: 10, retainSamples: 100,
                                 testSamples: 50, asr: 20, canarySamples: 45)
        let secondHolder = WireMetrics(ua: 0, ra: 90, ta: 80, mia: 0, forgetSamples: 0, retainSamples: 100,
                                       testSamples: 50, asr: 2, canarySamples: 15)
        let clean = WireMetrics(ua: 0, ra: 90, ta: 80, mia: 0, forgetSamples: 0, retainSamples: 100, testSamples: 50)
        let metrics = try strategy.aggregateEvaluation([holder, secondHolder, clean])
        let asr = try #require(metrics.asr)
        let expected: Double = (20.0 * 45 + 2.0 * 15) / 60
        #expect(abs(asr - expected) < 1e-12)
        #expect(metrics.canarySamples == 60)
        let meanRA: Double = (80.0 + 90 + 90) / 3
        #expect(metrics.ua == 90 && abs(metrics.ra - meanRA) < 1e-12)
        let none = try strategy.aggregateEvaluation([clean, clean])
        #expect(none.asr == nil && none.canarySamples == nil)
    }

    @Test func anASROutsideZeroToAHundredIsRefusedOnTheWire() {
        var wire = WireMetrics(ua: 1, ra: 1, ta: 1, mia: 1, forgetSamples: 1, retainSamples: 1, testSamples: 1).wire
        wire.asr = 101
        #expect(throws: WireError.self) { try WireMetrics(wire: wire) }
        wire.asr = .nan
        #expect(throws: WireError.self) { try WireMetrics(wire: wire) }
    }
}
