import Foundation

/// The Gaussian mechanism M(x) = f(x) + N(0, σ² I), calibrated exactly (Balle & Wang 2018, "Improving the Gaussian
/// Mechanism for Differential Privacy: Analytical Calibration and Optimal Denoising", Theorem 8).
///
/// For a query f of L2 sensitivity Δ (neighbouring data sets: one sample added or removed), M is (ε, δ)-DP if and
/// only if
///
///     δ(ε, σ) = Φ(Δ/(2σ) − εσ/Δ) − e^ε · Φ(−Δ/(2σ) − εσ/Δ) ≤ δ,
///
/// Φ the standard normal CDF. δ(ε, σ) decreases in both ε and σ, so each of σ and ε is found by bisection. The
/// classic bound σ = Δ √(2 ln(1.25/δ)) / ε (Dwork & Roth 2014, Thm. A.1) holds only for ε < 1 and is never smaller
/// (ε = 2, δ = 1e-5: 4.20 Δ/√3 against 3.45 Δ/√3); this calibration holds for every ε > 0.
///
/// Witness: `Tests/Reference/gaussian_mechanism_reference.py` computes σ with the paper's Algorithm 1, a different
/// search.
public enum GaussianMechanism {
    /// Largest ε accepted. Far beyond any meaningful guarantee; it keeps e^ε and the searches finite.
    public static let maximumEpsilon = 100.0

    /// δ(ε, σ) of Theorem 8 for sensitivity Δ (the smallest δ for which the mechanism is (ε, δ)-DP).
    public static func delta(epsilon: Double, sigma: Double, sensitivity: Double) -> Double {
        let a = sensitivity / (2 * sigma), b = epsilon * sigma / sensitivity
        return max(0, normalCDF(a - b) - exp(epsilon) * normalCDF(-a - b))
    }

    /// The smallest σ for which the mechanism with sensitivity Δ is (ε, δ)-DP (to a relative 1e-13, rounded up).
    /// - Throws: `.invalidPrivacyParameter` unless 0 < ε ≤ `maximumEpsilon`, 0 < δ < 1 and Δ > 0 (all finite).
    public static func sigma(epsilon: Double, delta: Double, sensitivity: Double) throws(StatisticsError) -> Double {
        guard epsilon.isFinite, epsilon > 0, epsilon <= maximumEpsilon else {
            throw .invalidPrivacyParameter(name: "epsilon", value: epsilon)
        }
        try checkDelta(delta)
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidPrivacyParameter(name: "sensitivity", value: sensitivity)
        }
        return bisect(low: 0, high: sensitivity) { Self.delta(epsilon: epsilon, sigma: $0, sensitivity: sensitivity) <= delta }
    }

    /// The smallest ε for which noise σ on a query of sensitivity Δ is (ε, δ)-DP: what a given σ buys.
    /// - Throws: `.invalidPrivacyParameter` for σ ≤ 0, δ outside (0, 1) or Δ ≤ 0, and for a σ so small that no
    ///   ε ≤ `maximumEpsilon` holds.
    public static func epsilon(sigma: Double, delta: Double, sensitivity: Double) throws(StatisticsError) -> Double {
        guard sigma.isFinite, sigma > 0 else { throw .invalidPrivacyParameter(name: "sigma", value: sigma) }
        try checkDelta(delta)
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidPrivacyParameter(name: "sensitivity", value: sensitivity)
        }
        let holds = { (e: Double) in Self.delta(epsilon: e, sigma: sigma, sensitivity: sensitivity) <= delta }
        if holds(0) { return 0 }
        guard holds(maximumEpsilon) else { throw .invalidPrivacyParameter(name: "sigma", value: sigma) }
        return bisect(low: 0, high: min(1, maximumEpsilon), limit: maximumEpsilon, holds)
    }

    /// Φ(t) through erfc, so small tail values keep their relative precision.
    static func normalCDF(_ t: Double) -> Double { 0.5 * erfc(-t / 2.0.squareRoot()) }

    private static func checkDelta(_ delta: Double) throws(StatisticsError) {
        guard delta.isFinite, delta > 0, delta < 1 else { throw .invalidPrivacyParameter(name: "delta", value: delta) }
    }

    /// The boundary of a monotone predicate (false below, true above `low`): doubles `high` until it holds (never
    /// past `limit`), then halves [low, high] until it is 1e-13 wide relative to `high`; returns the end that holds.
    private static func bisect(low: Double, high: Double, limit: Double = .greatestFiniteMagnitude,
                               _ holds: (Double) -> Bool) -> Double {
        var (low, high) = (low, high)
        while !holds(high) && high < limit { (low, high) = (high, min(2 * high, limit)) }
        for _ in 0..<200 where high - low > 1e-13 * high {
            let middle = low + (high - low) / 2
            if holds(middle) { high = middle } else { low = middle }
        }
        return high
    }
}
