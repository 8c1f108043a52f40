import LetheTensor
import LetheWire

/// One holder's masked update and its weight (the holder's local forget-sample count).
public struct DeltaContribution: Equatable, Sendable {
    public var delta: WireSparseDelta
    public var sampleCount: Int

    public init(delta: WireSparseDelta, sampleCount: Int) {
        self.delta = delta
        self.sampleCount = sampleCount
    }
}

/// Aggregates the holders' masked deltas of the forgetting and contrastive phases (ARCHITECTURE.md steps 4 and 6).
///
/// Each delta may only touch weights of the global mask (a delta outside it is refused: it would move weights the
/// method promised to keep). On the masked coordinates the deltas are combined by the configured rule, where a
/// holder that left a masked weight unchanged contributes 0; with FedAvg this is θ' = θ + Σ_k n_k δ_k / Σ_k n_k, the
/// same as averaging the holders' resulting models, summed one delta at a time (`MaskedWeightedSum`). The robust
/// rules see dense vectors of popcount(mask) values.
public enum DeltaAggregation {
    public static func aggregate(_ deltas: [DeltaContribution], mask: WeightMask,
                                 rule: AggregationRule = .weightedMean) throws(AggregationError) -> WireSparseDelta {
        guard !deltas.isEmpty else { throw .noContributions }
        for (k, contribution) in deltas.enumerated() { try check(contribution.delta, fits: mask, from: "delta \(k)") }
        return try combine(checked: deltas, mask: mask, rule: rule)
    }

    /// `aggregate` of deltas that passed `check`.
    static func combine(checked deltas: [DeltaContribution], mask: WeightMask,
                        rule: AggregationRule) throws(AggregationError) -> WireSparseDelta {
        if rule == .weightedMean {
            var sum = MaskedWeightedSum(mask: mask)
            for contribution in deltas { sum.add(checked: contribution) }
            return try sum.mean()
        }
        let ranks = MaskRanks(mask)
        let vectors = deltas.map { contribution in
            var dense = [Float](repeating: 0, count: ranks.selectedCount)
            ranks.forEachRanked(contribution.delta) { p, value in dense[p] = value }
            return WeightedVector(values: dense, weight: Double(contribution.sampleCount))
        }
        let combined = try rule.strategy.aggregate(vectors)
        return WireSparseDelta(mask: mask.wireMask, values: combined)
    }

    /// Refuses a delta for another model size or one that changes weights outside `mask` (`contributor` names it in
    /// the error). Every fold assumes a checked delta.
    public static func check(_ delta: WireSparseDelta, fits mask: WeightMask,
                             from contributor: String) throws(AggregationError) {
        guard delta.mask.bitCount == mask.count else {
            throw .incompatible("\(contributor) covers \(delta.mask.bitCount) weights, the mask \(mask.count)")
        }
        guard WeightMask(wireMask: delta.mask).isSubset(of: mask) else {
            throw .incompatible("\(contributor) changes weights outside the global mask")
        }
    }

    /// `weights` with `delta` added at its masked indices.
    public static func apply(_ delta: WireSparseDelta, to weights: [Float]) -> [Float] {
        precondition(delta.mask.bitCount == weights.count, "delta for \(delta.mask.bitCount) weights, model has \(weights.count)")
        var result = weights
        for (value, index) in zip(delta.values, delta.mask.setIndices) { result[index] += value }
        return result
    }
}
