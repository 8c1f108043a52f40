import LetheTensor
import LetheWire
import Testing
@testable import LetheFederation

@Suite struct AggregationStrategyTests {
    let a = WeightedVector(values: [1, 10, -2], weight: 1)
    let b = WeightedVector(values: [3, 20, 4], weight: 3)
    let c = WeightedVector(values: [100, 0, 1], weight: 1)

    @Test func fedAvgIsTheSampleWeightedMean() throws {
        // (1·1 + 3·3)/4 = 2.5, (10 + 60)/4 = 17.5, (−2 + 12)/4 = 2.5
        #expect(try FedAvg().aggregate([a, b]) == [2.5, 17.5, 2.5])
    }

    @Test func medianTakesTheMiddleValuePerCoordinateIgnoringWeights() throws {
        #expect(try CoordinateMedian().aggregate([a, b, c]) == [3, 10, 1])
        #expect(try CoordinateMedian().aggregate([a, b]) == [2, 15, 1])
    }

    @Test func trimmedMeanDropsTheExtremesPerCoordinate() throws {
        let d = WeightedVector(values: [2, 30, 0], weight: 1)
        // β = 0.25 of 4 drops one low and one high value: [1,2,3,100] → (2+3)/2; [0,10,20,30] → 15; [-2,0,1,4] → 0.5
        #expect(try TrimmedMean(beta: 0.25).aggregate([a, b, c, d]) == [2.5, 15, 0.5])
        #expect(try TrimmedMean(beta: 0).aggregate([a, c]) == [50.5, 5, -0.5])
        #expect(throws: AggregationError.invalidTrim(0.5)) { try TrimmedMean(beta: 0.5).aggregate([a]) }
    }

    @Test func contributionsMustAgree() {
        #expect(throws: AggregationError.noContributions) { try FedAvg().aggregate([]) }
        #expect(throws: AggregationError.lengthMismatch(expected: 3, got: 1, contributor: 1)) {
            try FedAvg().aggregate([a, WeightedVector(values: [1], weight: 1)])
        }
        #expect(throws: AggregationError.invalidWeights("all weights are zero")) {
            try FedAvg().aggregate([WeightedVector(values: [1], weight: 0)])
        }
    }

    @Test func rulesParseFromTheCommandLineSpelling() {
        #expect(AggregationRule(parsing: "median") == .median)
        #expect(AggregationRule(parsing: "trimmed-mean:0.1") == .trimmedMean(beta: 0.1))
        #expect(AggregationRule(parsing: "trimmed-mean:0.7") == nil)
        #expect(AggregationRule(parsing: "krum") == nil)
    }
}

@Suite struct MaskAggregationTests {
    @Test func exactAggregationThresholdsTheCountWeightedScoreSum() throws {
        // 1·[4,0,1,0] + 3·[0,1,1,0] = [4,3,4,0]; top half: weights 0 and 2.
        let reports = [SaliencyContribution(scores: .dense([4, 0, 1, 0]), forgetCount: 1),
                       SaliencyContribution(scores: .dense([0, 1, 1, 0]), forgetCount: 3)]
        let mask = try MaskAggregation.aggregate(reports, fraction: 0.5)
        #expect(Array(mask.setIndices) == [0, 2])
    }

    @Test func compressedAggregationKeepsTheTopWeightedVotes() throws {
        // votes: w0 = 1, w1 = 3, w2 = 1 + 3 = 4, w3 = 0 → top half: 2 and 1.
        let reports = [SaliencyContribution(scores: .topK(WireMask(bitCount: 4, setting: [0, 2])), forgetCount: 1),
                       SaliencyContribution(scores: .topK(WireMask(bitCount: 4, setting: [1, 2])), forgetCount: 3)]
        let mask = try MaskAggregation.aggregate(reports, fraction: 0.5)
        #expect(Array(mask.setIndices) == [1, 2])
    }

    @Test func compressedMatchesExactWhenHoldersAgree() throws {
        let scores: [Float] = [0.1, 0.9, 0.5, 0.7, 0.2, 0.3, 0.8, 0.05]
        let exact = try MaskAggregation.aggregate([.init(scores: .dense(scores), forgetCount: 5)], fraction: 0.25)
        let ownTop = try WeightMask.topFraction(scores, fraction: 0.25)
        let compressed = try MaskAggregation.aggregate(
            [.init(scores: .topK(ownTop.wireMask), forgetCount: 5)], fraction: 0.25)
        #expect(exact == compressed)
        #expect(Array(exact.setIndices) == [1, 6])
    }

    @Test func reportsForAnotherModelAreRefused() {
        let reports = [SaliencyContribution(scores: .dense([1, 2]), forgetCount: 1),
                       SaliencyContribution(scores: .dense([1, 2, 3]), forgetCount: 1)]
        #expect(throws: AggregationError.incompatible("report 1 covers 3 weights, the model 2")) {
            try MaskAggregation.aggregate(reports, fraction: 0.5)
        }
    }
}

@Suite struct DeltaAggregationTests {
    let mask = try! WeightMask(count: 5, setIndices: [1, 3])

    @Test func weightedMeanOfMaskedDeltasMovesOnlyMaskedWeights() throws {
        let d1 = DeltaContribution(delta: WireSparseDelta(mask: WireMask(bitCount: 5, setting: [1, 3]), values: [1, 2]),
                                   sampleCount: 1)
        // This holder left weight 3 unchanged: it contributes 0 there.
        let d2 = DeltaContribution(delta: WireSparseDelta(mask: WireMask(bitCount: 5, setting: [1]), values: [5]),
                                   sampleCount: 3)
        let combined = try DeltaAggregation.aggregate([d1, d2], mask: mask)
        #expect(combined.values == [4, 0.5])  // (1 + 15)/4, (2 + 0)/4
        #expect(DeltaAggregation.apply(combined, to: [0, 0, 0, 10, 0]) == [0, 4, 0, 10.5, 0])
    }

    @Test func aDeltaOutsideTheMaskIsRefused() {
        let outside = DeltaContribution(delta: WireSparseDelta(mask: WireMask(bitCount: 5, setting: [0]), values: [1]),
                                        sampleCount: 1)
        #expect(throws: AggregationError.self) { try DeltaAggregation.aggregate([outside], mask: mask) }
    }
}
