import Foundation
import LetheTensor

/// Standard deviations of the Gaussian noise that `FeatureStatistics.privatized` adds to each release.
public struct GaussianNoiseScales: Equatable, Sendable {
    /// σ for each class count.
    public var count: Double
    /// σ for each coordinate of Σh.
    public var sum: Double
    /// σ for each coordinate of Σh².
    public var sumOfSquares: Double
}

extension FeatureStatistics {
    /// Noise scales of the classic Gaussian mechanism (Dwork & Roth 2014, Thm. A.1) for the three releases.
    ///
    /// Neighbouring data sets differ by adding or removing one sample whose feature h satisfies ‖h‖₂ ≤ B
    /// (`featureBound`). L2 sensitivities of the whole released vectors: counts Δ = 1 (one class gains 1); sums
    /// Δ = B (one class's Σh moves by h); sums of squares Δ = B² (‖h ⊙ h‖₂ = √Σh_k⁴ ≤ Σh_k² ≤ B²). The budget is split
    /// equally by basic composition: each release gets ε/3 and δ/3, so
    ///
    ///     σ = Δ · √(2 ln(1.25 / (δ/3))) / (ε/3).
    ///
    /// The theorem needs each release's ε/3 < 1, hence ε < 3.
    /// - Throws: `.invalidPrivacyParameter` unless 0 < ε < 3, 0 < δ < 1 and B > 0 (all finite).
    public static func gaussianNoiseScales(epsilon: Double, delta: Double,
                                           featureBound: Double) throws(StatisticsError) -> GaussianNoiseScales {
        guard epsilon.isFinite, epsilon > 0, epsilon < 3 else {
            throw .invalidPrivacyParameter(name: "epsilon", value: epsilon)
        }
        guard delta.isFinite, delta > 0, delta < 1 else { throw .invalidPrivacyParameter(name: "delta", value: delta) }
        guard featureBound.isFinite, featureBound > 0 else {
            throw .invalidPrivacyParameter(name: "featureBound", value: featureBound)
        }
        let unit = (2 * log(1.25 / (delta / 3))).squareRoot() / (epsilon / 3)
        return GaussianNoiseScales(count: unit, sum: featureBound * unit,
                                   sumOfSquares: featureBound * featureBound * unit)
    }

    /// These statistics with (ε, δ)-differentially-private Gaussian noise added to every count, Σh and Σh² entry
    /// (noise scales: `gaussianNoiseScales`). Mean and variance of the result may be noisy or undefined (count ≤ 0:
    /// `.emptyClass`); variance is clamped at 0.
    ///
    /// The guarantee holds only if every feature accumulated had ‖h‖₂ ≤ `featureBound`: the caller must clip features
    /// first (`clip(_:toNorm:)`) — these statistics cannot check it after the fact.
    public func privatized(epsilon: Double, delta: Double, featureBound: Double,
                           rng: inout SeededGenerator) throws(StatisticsError) -> FeatureStatistics {
        let scales = try Self.gaussianNoiseScales(epsilon: epsilon, delta: delta, featureBound: featureBound)
        var noisy = self
        for i in noisy.counts.indices { noisy.counts[i] += scales.count * Double(rng.nextNormal()) }
        for i in noisy.sums.indices { noisy.sums[i] += scales.sum * Double(rng.nextNormal()) }
        for i in noisy.sumsOfSquares.indices {
            noisy.sumsOfSquares[i] += scales.sumOfSquares * Double(rng.nextNormal())
        }
        return noisy
    }

    /// Scales each row h of `features` [N, D] to h · min(1, B / ‖h‖₂), so ‖h‖₂ ≤ B as `privatized` requires.
    /// - Throws: `.featureShape` for a tensor that is not rank 2, `.invalidPrivacyParameter` for B ≤ 0.
    public static func clip(_ features: inout Tensor, toNorm bound: Float) throws(StatisticsError) {
        guard features.rank == 2 else { throw .featureShape(expectedDimension: -1, actual: features.shape) }
        guard bound.isFinite, bound > 0 else { throw .invalidPrivacyParameter(name: "featureBound", value: Double(bound)) }
        let n = features.shape[0], d = features.shape[1]
        for row in 0..<n {
            let range = (row * d)..<((row + 1) * d)
            let norm = features.storage[range].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm > Double(bound) else { continue }
            let scale = Double(bound) / norm
            for i in range { features.storage[i] = Float(Double(features.storage[i]) * scale) }
        }
    }
}
