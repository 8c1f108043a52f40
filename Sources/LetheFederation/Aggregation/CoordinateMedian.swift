/// Coordinate-wise median (Yin et al., "Byzantine-Robust Distributed Learning: Towards Optimal Statistical Rates",
/// 2018; Flower's `FedMedian`): each coordinate is the median of the clients' values. With an even number of
/// clients it is the mean of the two middle values. Weights are ignored (a sample count is not a trust level), except
/// that zero-weight contributions are left out.
public struct CoordinateMedian: AggregationStrategy {
    public init() {}

    public func aggregate(_ contributions: [WeightedVector]) throws(AggregationError) -> [Float] {
        let count = try validateContributions(contributions)
        let used = contributions.filter { $0.weight > 0 }
        var column = [Float](repeating: 0, count: used.count)
        var result = [Float](repeating: 0, count: count)
        let middle = used.count / 2
        for i in 0..<count {
            for (k, c) in used.enumerated() { column[k] = c.values[i] }
            column.sort()
            result[i] = used.count % 2 == 1 ? column[middle] : (column[middle - 1] + column[middle]) / 2
        }
        return result
    }
}
