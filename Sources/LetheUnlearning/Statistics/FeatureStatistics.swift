import LetheTensor

/// Per-class sufficient statistics of D-dimensional features (DECISIONS.md §10): for each class c the count n_c,
/// the sum S_c = Σ h and the sum of squares Q_c = Σ h² (element-wise), all in Double.
///
/// Mean μ_c = S_c / n_c and diagonal population variance σ²_c = Q_c / n_c − μ_c² derive from them, and merging two
/// clients' statistics is exact addition, so the coordinator gets the statistics of the union without seeing a
/// feature. Counts are Double because differential-privacy noise (`privatized`) makes them non-integer.
public struct FeatureStatistics: Codable, Equatable, Sendable {
    /// Number of classes K.
    public let classCount: Int
    /// Feature dimension D.
    public let dimension: Int
    /// n_c for each class, [K].
    public internal(set) var counts: [Double]
    /// S_c row-major, [K, D].
    public internal(set) var sums: [Double]
    /// Q_c row-major, [K, D].
    public internal(set) var sumsOfSquares: [Double]

    /// Empty statistics for `classCount` classes of `dimension`-dimensional features.
    public init(classCount: Int, dimension: Int) throws(StatisticsError) {
        guard classCount > 0, dimension > 0 else { throw .invalidShape(classCount: classCount, dimension: dimension) }
        self.classCount = classCount
        self.dimension = dimension
        counts = [Double](repeating: 0, count: classCount)
        sums = [Double](repeating: 0, count: classCount * dimension)
        sumsOfSquares = sums
    }

    /// Adds a batch: `features` [N, D], `labels` [N] in 0..<K. Either the whole batch is added or, on error, nothing.
    /// - Throws: `.featureShape` for a tensor that is not [N, D], `.lengthMismatch` for N ≠ labels.count,
    ///   `.labelOutOfRange`, `.notFinite` for a NaN or infinite feature.
    public mutating func accumulate(features: Tensor, labels: [Int32]) throws(StatisticsError) {
        guard features.rank == 2, features.shape[1] == dimension else {
            throw .featureShape(expectedDimension: dimension, actual: features.shape)
        }
        guard features.shape[0] == labels.count else {
            throw .lengthMismatch(features: features.shape[0], labels: labels.count)
        }
        if let bad = labels.first(where: { $0 < 0 || Int($0) >= classCount }) {
            throw .labelOutOfRange(label: Int(bad), classCount: classCount)
        }
        if let bad = features.storage.firstIndex(where: { !$0.isFinite }) {
            throw .notFinite(row: bad / dimension, column: bad % dimension)
        }
        let d = dimension
        for (row, label) in labels.enumerated() {
            let c = Int(label)
            counts[c] += 1
            for k in 0..<d {
                let h = Double(features.storage[row * d + k])
                sums[c * d + k] += h
                sumsOfSquares[c * d + k] += h * h
            }
        }
    }

    /// Adds `other`'s counts and sums to these: the statistics of the union of both data sets.
    /// - Throws: `.shapeMismatch` if the class counts or dimensions differ.
    public mutating func merge(_ other: FeatureStatistics) throws(StatisticsError) {
        guard classCount == other.classCount, dimension == other.dimension else {
            throw .shapeMismatch(expected: [classCount, dimension], actual: [other.classCount, other.dimension])
        }
        for c in 0..<classCount { counts[c] += other.counts[c] }
        for i in sums.indices {
            sums[i] += other.sums[i]
            sumsOfSquares[i] += other.sumsOfSquares[i]
        }
    }

    /// The statistics of both data sets (see `merge`).
    public func merged(with other: FeatureStatistics) throws(StatisticsError) -> FeatureStatistics {
        var result = self
        try result.merge(other)
        return result
    }

    /// μ_c = S_c / max(n_c, 1), [D]. Exact counts are whole numbers, so the clamp only matters for noisy ones
    /// (`privatized`), where a count in (0, 1) would otherwise blow the noise of S_c up.
    /// - Throws: `.labelOutOfRange`, or `.emptyClass` when n_c ≤ 0 (no samples, or noise pushed the count down).
    public func mean(ofClass c: Int) throws(StatisticsError) -> [Double] {
        let n = try divisor(ofClass: c)
        return (0..<dimension).map { sums[c * dimension + $0] / n }
    }

    /// Diagonal population variance σ²_c = Q_c / n − μ_c² with n = max(n_c, 1), clamped at 0 (rounding or noise
    /// can push it below), [D].
    public func variance(ofClass c: Int) throws(StatisticsError) -> [Double] {
        let n = try divisor(ofClass: c)
        let mu = try mean(ofClass: c)
        return (0..<dimension).map { max(0, sumsOfSquares[c * dimension + $0] / n - mu[$0] * mu[$0]) }
    }

    /// max(n_c, 1) for a class with a positive count.
    private func divisor(ofClass c: Int) throws(StatisticsError) -> Double {
        guard c >= 0 && c < classCount else { throw .labelOutOfRange(label: c, classCount: classCount) }
        guard counts[c] > 0 else { throw .emptyClass(c) }
        return max(counts[c], 1)
    }
}
