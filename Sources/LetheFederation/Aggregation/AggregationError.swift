/// Why a set of client contributions could not be aggregated.
public enum AggregationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No contribution arrived (every client asked failed or was dropped).
    case noContributions
    /// Contributions of different lengths: a client sent a vector for another model.
    case lengthMismatch(expected: Int, got: Int, contributor: Int)
    /// A weight is negative, NaN or infinite, or all weights are zero.
    case invalidWeights(String)
    /// A trimming fraction outside [0, 0.5).
    case invalidTrim(Double)
    /// Masks, deltas or statistics that do not fit each other (another mask size, another feature dimension).
    case incompatible(String)

    public var description: String {
        switch self {
        case .noContributions:
            return "no client contribution to aggregate; check that clients are alive and answering"
        case .lengthMismatch(let expected, let got, let contributor):
            return "contribution \(contributor) has \(got) values, expected \(expected); the client holds another model"
        case .invalidWeights(let detail):
            return "invalid aggregation weights: \(detail)"
        case .invalidTrim(let beta):
            return "trimmed-mean fraction \(beta) is outside [0, 0.5); use e.g. 0.1"
        case .incompatible(let detail):
            return "contributions cannot be combined: \(detail)"
        }
    }
}

/// One client's contribution to an aggregation: a flat vector (model weights, scores) and its weight
/// (usually the number of samples behind it).
public struct WeightedVector: Equatable, Sendable {
    public var values: [Float]
    public var weight: Double

    public init(values: [Float], weight: Double) {
        self.values = values
        self.weight = weight
    }
}

/// Checks shared by every strategy: at least one contribution, equal lengths, finite non-negative weights with a
/// positive total. Returns the common length.
func validateContributions(_ contributions: [WeightedVector]) throws(AggregationError) -> Int {
    guard let first = contributions.first else { throw .noContributions }
    for (i, c) in contributions.enumerated() {
        guard c.values.count == first.values.count else {
            throw .lengthMismatch(expected: first.values.count, got: c.values.count, contributor: i)
        }
        guard c.weight.isFinite, c.weight >= 0 else { throw .invalidWeights("contribution \(i) has weight \(c.weight)") }
    }
    guard contributions.reduce(0, { $0 + $1.weight }) > 0 else { throw .invalidWeights("all weights are zero") }
    return first.values.count
}
