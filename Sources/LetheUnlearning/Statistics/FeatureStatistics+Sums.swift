extension FeatureStatistics {
    /// Statistics from already-accumulated sums: how a federated client rebuilds the merged statistics the
    /// coordinator broadcasts (counts, Σh and Σh² of every client's retained features, added exactly).
    ///
    /// - Parameters:
    ///   - counts: n_c per class, [K] (non-integer when differential-privacy noise was added).
    ///   - sums: S_c row-major, [K, D].
    ///   - sumsOfSquares: Q_c row-major, [K, D].
    /// - Throws: `.invalidShape` for K or D ≤ 0, `.shapeMismatch` when an array's length is not K or K·D, and
    ///   `.notFinite` (row = class, column = coordinate) for a NaN or infinite entry.
    public init(classCount: Int, dimension: Int, counts: [Double], sums: [Double],
                sumsOfSquares: [Double]) throws(StatisticsError) {
        try self.init(classCount: classCount, dimension: dimension)
        guard counts.count == classCount else { throw .shapeMismatch(expected: [classCount], actual: [counts.count]) }
        for values in [sums, sumsOfSquares] where values.count != classCount * dimension {
            throw .shapeMismatch(expected: [classCount, dimension], actual: [values.count])
        }
        if let bad = counts.firstIndex(where: { !$0.isFinite }) { throw .notFinite(row: bad, column: -1) }
        for values in [sums, sumsOfSquares] {
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw .notFinite(row: bad / dimension, column: bad % dimension)
            }
        }
        self.counts = counts
        self.sums = sums
        self.sumsOfSquares = sumsOfSquares
    }
}
