/// FedAvg's aggregation: the mean of the clients' vectors weighted by their sample counts,
/// θ = Σ_k n_k θ_k / Σ_k n_k (McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized
/// Data", 2017). Accumulates in Double so that many clients do not lose float precision.
public struct FedAvg: AggregationStrategy {
    public init() {}

    public func aggregate(_ contributions: [WeightedVector]) throws(AggregationError) -> [Float] {
        let count = try validateContributions(contributions)
        let total = contributions.reduce(0) { $0 + $1.weight }
        var sum = [Double](repeating: 0, count: count)
        for c in contributions where c.weight > 0 {
            let w = c.weight / total
            c.values.withUnsafeBufferPointer { values in
                for i in 0..<count { sum[i] += w * Double(values[i]) }
            }
        }
        return sum.map { Float($0) }
    }
}
