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
        if rule == .weightedMean {
            var sum = MaskedWeightedSum(mask: mask)
            for contribution in deltas { try sum.add(contribution) }
            return try sum.mean()
        }
        let ranks = MaskRanks(mask)
        var vectors: [WeightedVector] = []
        for (k, contribution) in deltas.enumerated() {
            let delta = contribution.delta
            guard delta.mask.bitCount == mask.count else {
                throw .incompatible("delta \(k) covers \(delta.mask.bitCount) weights, the mask \(mask.count)")
            }
            var dense = [Float](repeating: 0, count: ranks.selectedCount)
            for (value, index) in zip(delta.values, delta.mask.setIndices) {
                guard let p = ranks.position(of: index) else {
                    throw .incompatible("delta \(k) changes weight \(index), which is outside the global mask")
                }
                dense[p] = value
            }
            vectors.append(WeightedVector(values: dense, weight: Double(contribution.sampleCount)))
        }
        let combined = try rule.strategy.aggregate(vectors)
        return WireSparseDelta(mask: mask.wireMask, values: combined)
    }

    /// `weights` with `delta` added at its masked indices.
    public static func apply(_ delta: WireSparseDelta, to weights: [Float]) -> [Float] {
        precondition(delta.mask.bitCount == weights.count, "delta for \(delta.mask.bitCount) weights, model has \(weights.count)")
        var result = weights
        for (value, index) in zip(delta.values, delta.mask.setIndices) { result[index] += value }
        return result
    }
}
