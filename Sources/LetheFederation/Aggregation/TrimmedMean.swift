/// Coordinate-wise β-trimmed mean (Yin et al. 2018; Flower's `FedTrimmedAvg`): per coordinate, sort the clients'
/// values, drop the ⌊β·n⌋ smallest and the ⌊β·n⌋ largest, and average the rest (unweighted). β = 0 is the plain
/// mean; β must stay below 0.5 so that at least one value remains.
public struct TrimmedMean: AggregationStrategy {
    public let beta: Double

    public init(beta: Double) { self.beta = beta }

    public func aggregate(_ contributions: [WeightedVector]) throws(AggregationError) -> [Float] {
        guard beta.isFinite, beta >= 0, beta < 0.5 else { throw .invalidTrim(beta) }
        let count = try validateContributions(contributions)
        let used = contributions.filter { $0.weight > 0 }
        let cut = Int((beta * Double(used.count)).rounded(.down))
        let kept = used.count - 2 * cut
        var column = [Float](repeating: 0, count: used.count)
        var result = [Float](repeating: 0, count: count)
        for i in 0..<count {
            for (k, c) in used.enumerated() { column[k] = c.values[i] }
            column.sort()
            var sum = 0.0
            for k in cut..<(cut + kept) { sum += Double(column[k]) }
            result[i] = Float(sum / Double(kept))
        }
        return result
    }
}
