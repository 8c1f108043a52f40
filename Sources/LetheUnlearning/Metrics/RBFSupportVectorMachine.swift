import Foundation

/// A binary C-SVC with the RBF kernel K(x, y) = exp(−γ‖x − y‖²), trained by libsvm's SMO (see `SMOSolver`).
///
/// Decision function f(x) = Σ_i y_i α_i K(x_i, x) + b, with b = −ρ as libsvm computes it; f(x) > 0 predicts the
/// positive class (`true`). Matches scikit-learn's `SVC(kernel='rbf')` — whose `decision_function` is positive for
/// `classes_[1]`, i.e. label 1 — to within the solver tolerance (checked in `Tests/Reference/svm_reference.py`).
///
/// One deliberate departure, for speed: training points with identical features and label are merged into one point
/// whose box is [0, k·C] (k = multiplicity). Identical points have identical rows of Q, so the dual objective depends
/// only on the sum of their α's and both problems have the same optimal decision function. Softmax confidences
/// saturate at 1.0 in float32, so real MIA features contain many duplicates.
public struct RBFSupportVectorMachine: Sendable {
    /// Feature dimension.
    public let dimension: Int
    /// Kernel width γ.
    public let gamma: Double
    /// Support vectors (distinct, after merging duplicates), row-major [supportVectorCount, dimension].
    public let supportVectors: [Double]
    /// y_i α_i for each support vector (merged duplicates contribute the sum of their α's).
    public let dualCoefficients: [Double]
    /// The intercept b = −ρ (scikit-learn's `intercept_`).
    public let bias: Double
    /// SMO iterations used.
    public let iterations: Int
    /// False if SMO stopped at libsvm's iteration cap before reaching the tolerance.
    public let converged: Bool

    /// Number of distinct support vectors (α > 0).
    public var supportVectorCount: Int { dualCoefficients.count }

    /// Fits on `features` (one row of `dimension` values each) against `labels` (true = positive class).
    ///
    /// - Parameters:
    ///   - c: box constraint C > 0 (SalUn's MIA uses 3).
    ///   - gamma: γ > 0; nil means scikit-learn's `'auto'`, 1 / dimension.
    ///   - tolerance: stopping tolerance on the maximal violating pair (libsvm's `eps`, scikit-learn's `tol`, 1e-3).
    ///   - cacheMegabytes: memory for cached kernel rows.
    /// - Throws: `MetricsError` for ragged rows, mismatched lengths, non-finite features, one class only, or a
    ///   parameter out of its domain.
    public static func fit(features: [[Float]], labels: [Bool], c: Double, gamma: Double? = nil,
                           tolerance: Double = 1e-3, cacheMegabytes: Int = 64) throws(MetricsError) -> Self {
        guard let dimension = features.first?.count else { throw .empty(what: "training features") }
        for row in features where row.count != dimension {
            throw .lengthMismatch(what: "feature row", expected: dimension, actual: row.count)
        }
        return try fit(flatFeatures: features.flatMap { $0 }, dimension: dimension, labels: labels, c: c,
                       gamma: gamma, tolerance: tolerance, cacheMegabytes: cacheMegabytes)
    }

    /// Fits on row-major `flatFeatures` of shape [labels.count, dimension]; otherwise as `fit(features:…)`.
    public static func fit(flatFeatures: [Float], dimension: Int, labels: [Bool], c: Double, gamma: Double? = nil,
                           tolerance: Double = 1e-3, cacheMegabytes: Int = 64) throws(MetricsError) -> Self {
        guard dimension > 0 else { throw .invalidParameter(name: "dimension", value: Double(dimension)) }
        let g = gamma ?? 1 / Double(dimension)
        try validate(flatFeatures, dimension: dimension, labels: labels, c: c, gamma: g, tolerance: tolerance)
        let merged = MergedTrainingSet(flatFeatures, dimension: dimension, labels: labels, c: c)
        let kernel = RBFKernelRows(points: merged.points, dimension: dimension, gamma: g, signs: merged.signs,
                                   cacheBytes: max(1, cacheMegabytes) << 20)
        var solver = SMOSolver(kernel: kernel, upper: merged.upper, tolerance: tolerance)
        let converged = solver.solve()
        var vectors: [Double] = [], coefficients: [Double] = []
        for i in solver.alpha.indices where solver.alpha[i] > 0 {
            vectors.append(contentsOf: merged.points[(i * dimension)..<((i + 1) * dimension)])
            coefficients.append(merged.signs[i] * solver.alpha[i])
        }
        return Self(dimension: dimension, gamma: g, supportVectors: vectors, dualCoefficients: coefficients,
                    bias: -solver.rho(), iterations: solver.iterations, converged: converged)
    }

    private static func validate(_ flat: [Float], dimension: Int, labels: [Bool], c: Double, gamma: Double,
                                 tolerance: Double) throws(MetricsError) {
        guard c.isFinite, c > 0 else { throw .invalidParameter(name: "C", value: c) }
        guard gamma.isFinite, gamma > 0 else { throw .invalidParameter(name: "gamma", value: gamma) }
        guard tolerance.isFinite, tolerance > 0 else { throw .invalidParameter(name: "tolerance", value: tolerance) }
        guard !labels.isEmpty else { throw .empty(what: "training labels") }
        guard flat.count == labels.count * dimension else {
            throw .lengthMismatch(what: "features for labels", expected: labels.count * dimension, actual: flat.count)
        }
        if let bad = flat.firstIndex(where: { !$0.isFinite }) { throw .notFinite(what: "training features", index: bad) }
        guard labels.contains(true), labels.contains(false) else { throw .singleClass }
    }
}

/// Training points with duplicates (same features, same label) merged; the box of a merged point is k·C.
private struct MergedTrainingSet {
    var points: [Double] = []
    var signs: [Double] = []
    var upper: [Double] = []

    private struct Key: Hashable {
        let bits: [UInt32]
        let label: Bool
    }

    init(_ flat: [Float], dimension: Int, labels: [Bool], c: Double) {
        var slot: [Key: Int] = [:]
        for (i, label) in labels.enumerated() {
            let row = flat[(i * dimension)..<((i + 1) * dimension)]
            let key = Key(bits: row.map(\.bitPattern), label: label)
            if let existing = slot[key] {
                upper[existing] += c
            } else {
                slot[key] = signs.count
                points.append(contentsOf: row.map(Double.init))
                signs.append(label ? 1 : -1)
                upper.append(c)
            }
        }
    }
}
