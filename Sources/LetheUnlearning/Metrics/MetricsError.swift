/// Why an evaluation metric could not be computed from the data given.
public enum MetricsError: Error, Equatable, Sendable {
    /// Two inputs that must pair up element by element have different lengths (e.g. features and labels).
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// An input that must not be empty is (e.g. no non-members to train the attack on).
    case empty(what: String)
    /// A NaN or infinite feature at `index`; check the model's outputs for overflow before evaluating.
    case notFinite(what: String, index: Int)
    /// Training labels of one class only: the SVM needs both members and non-members.
    case singleClass
    /// A hyperparameter outside its domain (C and γ must be positive and finite, the tolerance too).
    case invalidParameter(name: String, value: Double)
    /// A count that cannot be an accuracy: `total` must be positive and 0 ≤ correct ≤ total.
    case invalidCount(correct: Int, total: Int)
}
