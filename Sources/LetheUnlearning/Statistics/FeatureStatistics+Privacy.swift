import Foundation
import LetheTensor

/// Standard deviations of the Gaussian noise on one party's statistics release, and the (ε, δ) they buy.
///
/// The release: for every class c the count n_c, S_c = Σh and Q_c = Σh ⊙ h over features clipped to ‖h‖₂ ≤ B.
/// Adding or removing one sample of class c moves the release by (1, h, h ⊙ h) in class c's block, with ‖h‖₂ ≤ B and
/// ‖h ⊙ h‖₂ = √(Σ h_k⁴) ≤ Σ h_k² ≤ B². The noise is N(0, s²) on each count, N(0, (sB)²) on each coordinate of Σh
/// and N(0, (sB²)²) on each coordinate of Σh²: that is N(0, s²) on every coordinate of the rescaled release
/// (n, S/B, Q/B²), whose L2 sensitivity is Δ = √(1 + 1 + 1) = √3. One Gaussian mechanism covers all three blocks,
/// so the release is (ε, δ)-DP exactly when the analytic Gaussian mechanism (`GaussianMechanism`) with Δ = √3 and
/// σ = s is; the guarantee does not depend on B, since each party scales its noise by the bound it clipped to.
///
/// Why rescale rather than add one σ to every raw coordinate (Δ = √(1 + B² + B⁴)): there the B⁴ term sets the
/// noise of the counts and sums too (B = 10: every σ ≈ 100 s), burying the counts; rescaling costs a factor
/// √3 · B² / √(1 + B² + B⁴) ≈ 1.7 on Σh² only. Why not split (ε, δ) three ways and compose: that costs about 3
/// (with a larger log term) on every block instead of √3.
public struct GaussianNoiseScales: Equatable, Sendable {
    /// L2 sensitivity of the rescaled release (n, Σh/B, Σh²/B²).
    public static let sensitivity = 3.0.squareRoot()

    /// s: σ of the mechanism on the rescaled release, the noise of each count.
    public let unit: Double
    /// B: the L2 norm every feature was clipped to.
    public let featureBound: Double

    /// σ for each class count.
    public var count: Double { unit }
    /// σ for each coordinate of Σh.
    public var sum: Double { unit * featureBound }
    /// σ for each coordinate of Σh².
    public var sumOfSquares: Double { unit * featureBound * featureBound }

    /// The scales of a party that clipped to `featureBound` and was asked for noise `unit` (the one mapping from s to
    /// the three blocks' σ, used by every party).
    /// - Throws: `.invalidPrivacyParameter` unless s > 0 and B > 0 (both finite).
    public init(unit: Double, featureBound: Double) throws(StatisticsError) {
        guard unit.isFinite, unit > 0 else { throw .invalidPrivacyParameter(name: "sigma", value: unit) }
        guard featureBound.isFinite, featureBound > 0 else {
            throw .invalidPrivacyParameter(name: "featureBound", value: featureBound)
        }
        self.unit = unit
        self.featureBound = featureBound
    }

    /// The scales that make one release (ε, δ)-DP: s = `unitSigma(epsilon:delta:)`.
    public init(epsilon: Double, delta: Double, featureBound: Double) throws(StatisticsError) {
        try self.init(unit: Self.unitSigma(epsilon: epsilon, delta: delta), featureBound: featureBound)
    }

    /// s for an (ε, δ)-DP release: the analytic Gaussian mechanism's σ for Δ = √3. What the coordinator sends.
    /// - Throws: `.invalidPrivacyParameter` unless 0 < ε ≤ `GaussianMechanism.maximumEpsilon` and 0 < δ < 1.
    public static func unitSigma(epsilon: Double, delta: Double) throws(StatisticsError) -> Double {
        try GaussianMechanism.sigma(epsilon: epsilon, delta: delta, sensitivity: sensitivity)
    }

    /// The smallest ε for which a release with these scales is (ε, δ)-DP (the inverse of `unitSigma`).
    public func epsilon(delta: Double) throws(StatisticsError) -> Double {
        try GaussianMechanism.epsilon(sigma: unit, delta: delta, sensitivity: Self.sensitivity)
    }
}

extension FeatureStatistics {
    /// These statistics with Gaussian noise added to every count, Σh and Σh² entry at `scales` (one draw each, in
    /// that order). Mean and variance derive from the noisy sums as usual: variance is clamped at 0 and the count
    /// divided by at least 1 (`mean(ofClass:)`); a class whose noisy count is ≤ 0 reads as empty.
    ///
    /// The guarantee holds only if every feature accumulated had ‖h‖₂ ≤ `scales.featureBound`: the caller must clip
    /// features first (`clip(_:toNorm:)`); these statistics cannot check it after the fact. Noise draws come from
    /// `standardNormal`, whose 53-bit uniforms keep the Gaussian tails out to about 8.6 σ.
    public func privatized(_ scales: GaussianNoiseScales, rng: inout SeededGenerator) -> FeatureStatistics {
        var noisy = self
        for i in noisy.counts.indices { noisy.counts[i] += scales.count * Self.standardNormal(&rng) }
        for i in noisy.sums.indices { noisy.sums[i] += scales.sum * Self.standardNormal(&rng) }
        for i in noisy.sumsOfSquares.indices {
            noisy.sumsOfSquares[i] += scales.sumOfSquares * Self.standardNormal(&rng)
        }
        return noisy
    }

    /// One N(0, 1) draw in Double: Box–Muller on two 53-bit uniforms in (0, 1) (the sine half is discarded).
    static func standardNormal(_ rng: inout SeededGenerator) -> Double {
        let scale = 1.0 / 9_007_199_254_740_992.0
        let u1 = (Double(rng.next() >> 11) + 0.5) * scale, u2 = Double(rng.next() >> 11) * scale
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Scales each row h of `features` [N, D] with ‖h‖₂ > B to h · (B / ‖h‖₂) · (1 − 2⁻²⁰), so ‖h‖₂ ≤ B as
    /// `privatized` requires even after rounding to Float (the factor covers it: each rounding is within 2⁻²⁴).
    /// - Throws: `.featureShape` for a tensor that is not rank 2, `.invalidPrivacyParameter` for B ≤ 0.
    public static func clip(_ features: inout Tensor, toNorm bound: Float) throws(StatisticsError) {
        guard features.rank == 2 else { throw .featureShape(expectedDimension: -1, actual: features.shape) }
        guard bound.isFinite, bound > 0 else { throw .invalidPrivacyParameter(name: "featureBound", value: Double(bound)) }
        let n = features.shape[0], d = features.shape[1]
        for row in 0..<n {
            let range = (row * d)..<((row + 1) * d)
            let norm = features.storage[range].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm > Double(bound) else { continue }
            let scale = Double(bound) / norm * (1 - 0x1p-20)
            for i in range { features.storage[i] = Float(Double(features.storage[i]) * scale) }
        }
    }
}
