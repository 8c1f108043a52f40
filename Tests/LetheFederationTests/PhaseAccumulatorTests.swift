import Testing
import LetheTensor
import LetheWire
@testable import LetheFederation

@Suite struct DeltaAccumulatorTests {
    /// Six holders' random deltas over a random 50 % mask of 300 weights; each holder moves a random part of it.
    static func fixture(seed: UInt64) -> (mask: WeightMask, deltas: [(ClientID, DeltaContribution)]) {
        var rng = SeededGenerator(seed: seed)
        let mask = try! WeightMask(count: 300, setIndices: (0..<300).filter { _ in Bool.random(using: &rng) })
        let deltas = (0..<6).map { k -> (ClientID, DeltaContribution) in
            let moved = mask.setIndices.filter { _ in Double.random(in: 0..<1, using: &rng) < 0.8 }
            let values = moved.map { _ in Float.random(in: -1...1, using: &rng) }
            let delta = WireSparseDelta(mask: WireMask(bitCount: 300, setting: moved), values: values)
            return ("client-\(k)", DeltaContribution(delta: delta, sampleCount: Int.random(in: 1...40, using: &rng)))
        }
        return (mask, deltas)
    }

    @Test func theResultIsTheSameForEveryArrivalOrder() throws {
        let (mask, deltas) = Self.fixture(seed: 7)
        let holders = Set(deltas.map(\.0))
        var rng = SeededGenerator(seed: 8)
        var results: Set<[Float]> = []
        for _ in 0..<20 {
            var accumulator = DeltaAccumulator(holders: holders, mask: mask, rule: .weightedMean)
            for (client, contribution) in deltas.shuffled(using: &rng) { try accumulator.add(contribution, from: client) }
            #expect(accumulator.waitingCount == 0)
            results.insert(try accumulator.combined().values)
        }
        #expect(results.count == 1)
        let sorted = deltas.sorted { $0.0 < $1.0 }.map(\.1)
        #expect(results.first == (try DeltaAggregation.aggregate(sorted, mask: mask).values))
    }

    @Test func theWeightedMeanAgreesWithFedAvgOnDenseVectors() throws {
        let (mask, deltas) = Self.fixture(seed: 9)
        let combined = try DeltaAggregation.aggregate(deltas.map(\.1), mask: mask)
        let dense = deltas.map { WeightedVector(values: WireSparseDelta(gathering: $0.1.delta.scattered(),
                                                                       mask: mask.wireMask).values,
                                                weight: Double($0.1.sampleCount)) }
        let reference = try FedAvg().aggregate(dense)
        for (a, b) in zip(combined.values, reference) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
    }

    @Test func anEarlyDeltaWaitsForTheHoldersBeforeIt() throws {
        let (mask, deltas) = Self.fixture(seed: 10)
        var accumulator = DeltaAccumulator(holders: Set(deltas.map(\.0)), mask: mask, rule: .weightedMean)
        for (client, contribution) in deltas.reversed().prefix(5) { try accumulator.add(contribution, from: client) }
        #expect(accumulator.waitingCount == 5)  // client-0 is missing, everything else waits behind it
        try accumulator.add(deltas[0].1, from: deltas[0].0)
        #expect(accumulator.waitingCount == 0)
    }

    @Test func aMissingHolderLeavesTheOthersInOrder() throws {
        let (mask, deltas) = Self.fixture(seed: 11)
        var accumulator = DeltaAccumulator(holders: Set(deltas.map(\.0)), mask: mask, rule: .weightedMean)
        for (client, contribution) in deltas.dropFirst(2) { try accumulator.add(contribution, from: client) }
        let expected = try DeltaAggregation.aggregate(deltas.dropFirst(2).map(\.1), mask: mask)
        #expect(try accumulator.combined() == expected)
    }

    @Test func aDeltaOutsideTheMaskIsRefusedAndChangesNothing() throws {
        let (mask, deltas) = Self.fixture(seed: 12)
        var accumulator = DeltaAccumulator(holders: Set(deltas.map(\.0)), mask: mask, rule: .weightedMean)
        try accumulator.add(deltas[0].1, from: deltas[0].0)
        let before = try accumulator.combined()
        let unmasked = (0..<300).first { !mask[$0] }!
        let outside = DeltaContribution(delta: WireSparseDelta(mask: WireMask(bitCount: 300, setting: [unmasked]),
                                                               values: [1]), sampleCount: 5)
        #expect(throws: AggregationError.self) { try accumulator.add(outside, from: deltas[1].0) }
        let shorter = DeltaContribution(delta: WireSparseDelta(mask: WireMask(bitCount: 299), values: []), sampleCount: 1)
        #expect(throws: AggregationError.self) { try accumulator.add(shorter, from: deltas[1].0) }
        #expect(try accumulator.combined() == before)
    }

    @Test func robustRulesSeeEveryDelta() throws {
        let (mask, deltas) = Self.fixture(seed: 13)
        var accumulator = DeltaAccumulator(holders: Set(deltas.map(\.0)), mask: mask, rule: .median)
        for (client, contribution) in deltas.reversed() { try accumulator.add(contribution, from: client) }
        #expect(try accumulator.combined() == DeltaAggregation.aggregate(deltas.map(\.1), mask: mask, rule: .median))
    }

    @Test func maskRanksCountTheSelectedWeightsBefore() throws {
        let (mask, _) = Self.fixture(seed: 14)
        let ranks = MaskRanks(mask)
        var rank = 0
        for index in 0..<mask.count {
            #expect(ranks.position(of: index) == (mask[index] ? rank : nil))
            if mask[index] { rank += 1 }
        }
        #expect(ranks.selectedCount == rank)
        #expect(ranks.position(of: -1) == nil && ranks.position(of: mask.count + 64) == nil)
    }
}

@Suite struct SaliencyAccumulatorTests {
    static func denseReports(seed: UInt64) -> [(ClientID, SaliencyContribution)] {
        var rng = SeededGenerator(seed: seed)
        return (0..<7).map { k in
            let scores = (0..<200).map { _ in Float.random(in: 0..<1, using: &rng) }
            return ("holder-\(k)", SaliencyContribution(scores: .dense(scores), forgetCount: Int.random(in: 1...30, using: &rng)))
        }
    }

    @Test func theMaskIsTheSameForEveryArrivalOrderAndMatchesTheBatchAggregation() throws {
        let reports = Self.denseReports(seed: 21)
        var rng = SeededGenerator(seed: 22)
        var masks: Set<WeightMask> = []
        for _ in 0..<10 {
            var accumulator = SaliencyAccumulator(holders: Set(reports.map(\.0)), weightCount: 200, fraction: 0.3)
            for (client, report) in reports.shuffled(using: &rng) { try accumulator.add(report, from: client) }
            masks.insert(try accumulator.mask())
        }
        #expect(masks.count == 1)
        #expect(masks.first == (try MaskAggregation.aggregate(reports.map(\.1), fraction: 0.3)))
        #expect(masks.first?.selectedCount == 60)
    }

    @Test func mixedReportsVoteWithTheDenseHoldersAsOneBloc() throws {
        // Dense holders (weight 3) favour weights 0 and 1; the compressed holder (weight 2) picked 2 and 3.
        let reports = [SaliencyContribution(scores: .dense([0.9, 0.8, 0.1, 0, 0, 0]), forgetCount: 1),
                       SaliencyContribution(scores: .dense([0.5, 0.9, 0.2, 0, 0, 0]), forgetCount: 2),
                       SaliencyContribution(scores: .topK(WireMask(bitCount: 6, setting: [2, 3])), forgetCount: 2)]
        // The dense bloc's exact sum is 1.9, 2.6, 0.5, 0, 0, 0: its top 3 (0, 1, 2) get 3 votes each, the compressed
        // holder adds 2 to weights 2 and 3: votes 3, 3, 5, 2, 0, 0, whose top 3 are 0, 1, 2.
        #expect(try MaskAggregation.aggregate(reports, fraction: 0.5) == WeightMask(count: 6, setIndices: [0, 1, 2]))
    }

    @Test func aReportOfAnotherLengthOrWithoutForgetSamplesIsRefused() throws {
        var accumulator = SaliencyAccumulator(holders: ["a", "b"], weightCount: 4, fraction: 0.5)
        #expect(throws: AggregationError.self) {
            try accumulator.add(.init(scores: .dense([1, 2, 3]), forgetCount: 1), from: "a")
        }
        #expect(throws: AggregationError.self) {
            try accumulator.add(.init(scores: .dense([1, 2, 3, 4]), forgetCount: 0), from: "a")
        }
        #expect(throws: AggregationError.noContributions) { try accumulator.mask() }
        try accumulator.add(.init(scores: .dense([1, 4, 3, 2]), forgetCount: 1), from: "b")
        #expect(try accumulator.mask() == WeightMask(count: 4, setIndices: [1, 2]))
    }
}
