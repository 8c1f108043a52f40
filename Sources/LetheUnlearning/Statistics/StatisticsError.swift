/// Why feature statistics could not be built, combined, sampled or privatised.
public enum StatisticsError: Error, Equatable, Sendable {
    /// Statistics need at least one class and one feature dimension.
    case invalidShape(classCount: Int, dimension: Int)
    /// A feature tensor that is not [N, D] for this statistics' D.
    case featureShape(expectedDimension: Int, actual: [Int])
    /// N feature rows but a different number of labels.
    case lengthMismatch(features: Int, labels: Int)
    /// A label (or class index) outside 0..<classCount.
    case labelOutOfRange(label: Int, classCount: Int)
    /// A NaN or infinite feature; check the model for overflow before collecting statistics.
    case notFinite(row: Int, column: Int)
    /// Statistics of different [classCount, dimension] cannot be merged.
    case shapeMismatch(expected: [Int], actual: [Int])
    /// A class with no (positive) count has no mean or variance.
    case emptyClass(Int)
    /// Nothing to sample from: every class count is ≤ 0.
    case noSamples
    /// A negative sample count.
    case invalidSampleCount(Int)
    /// Privacy parameters outside the Gaussian mechanism's domain: 0 < ε ≤ 100, 0 < δ < 1, σ > 0, bound > 0.
    case invalidPrivacyParameter(name: String, value: Double)
}
