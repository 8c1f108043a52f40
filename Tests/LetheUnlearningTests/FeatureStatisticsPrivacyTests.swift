import Foundation
import LetheTensor
import Testing
@testable import LetheUnlearning

@Suite struct FeatureStatisticsPrivacyTests {
    /// Unit σ of the analytic Gaussian mechanism for Δ = √3, from `python3 Tests/Reference/gaussian_mechanism_reference.py`
    /// (Balle & Wang's Algorithm 1 in plain Python; scipy's brentq on Theorem 8 agrees to 1e-14), as printed.
    static let reference: [(epsilon: Double, delta: Double, sigma: Double)] = [
        (0.5, 1e-5, 12.179481072127013), (1, 1e-5, 6.4616435358249475), (2, 1e-5, 3.4533844566177656),
        (8, 1e-6, 1.1309172597679429),
    ]

    @Test func unitSigmaMatchesTheReferenceCalibration() throws {
        for (epsilon, delta, expected) in Self.reference {
            let sigma = try GaussianNoiseScales.unitSigma(epsilon: epsilon, delta: delta)
            #expect(abs(sigma / expected - 1) < 1e-9, "ε \(epsilon), δ \(delta): σ \(sigma), reference \(expected)")
        }
    }

    /// B = 10, ε = 2, δ = 1e-5, from the same script: "count 3.4533844566177656, sum 34.533844566177656,
    /// sum of squares 345.3384456617766".
    @Test func blockScalesFollowTheFeatureBound() throws {
        let scales = try GaussianNoiseScales(epsilon: 2, delta: 1e-5, featureBound: 10)
        #expect(abs(scales.count / 3.4533844566177656 - 1) < 1e-9)
        #expect(abs(scales.sum / 34.533844566177656 - 1) < 1e-9)
        #expect(abs(scales.sumOfSquares / 345.3384456617766 - 1) < 1e-9)
        #expect(try GaussianNoiseScales(unit: scales.unit, featureBound: 10) == scales)
    }

    /// The calibrated σ meets Theorem 8's condition, a slightly smaller σ does not, the stated ε inverts it, and it
    /// never exceeds the classic bound where that one holds (ε < 1).
    @Test func calibrationIsTightAndInvertsToEpsilon() throws {
        let delta3 = 3.0.squareRoot()
        for (epsilon, delta, _) in Self.reference {
            let sigma = try GaussianMechanism.sigma(epsilon: epsilon, delta: delta, sensitivity: delta3)
            #expect(GaussianMechanism.delta(epsilon: epsilon, sigma: sigma, sensitivity: delta3) <= delta)
            #expect(GaussianMechanism.delta(epsilon: epsilon, sigma: sigma * (1 - 1e-6), sensitivity: delta3) > delta)
            let stated = try GaussianMechanism.epsilon(sigma: sigma, delta: delta, sensitivity: delta3)
            #expect(abs(stated - epsilon) < 1e-9 * epsilon, "ε \(epsilon): stated \(stated)")
            if epsilon < 1 { #expect(sigma < delta3 * (2 * log(1.25 / delta)).squareRoot() / epsilon) }
        }
    }

    /// The noise actually added has the stated standard deviations: Σh and Σh² over 5,000 entries of one release,
    /// counts over 500 releases of 10 classes; 3 % tolerance (about 3 standard errors), means within 4 errors of 0.
    @Test func addedNoiseHasTheStatedScale() throws {
        let clean = try FeatureStatistics(classCount: 10, dimension: 500)
        let scales = try GaussianNoiseScales(epsilon: 2, delta: 1e-6, featureBound: 3)
        var rng = SeededGenerator(seed: 12)
        let noisy = clean.privatized(scales, rng: &rng)
        var countNoise: [Double] = []
        for _ in 0..<500 { countNoise += clean.privatized(scales, rng: &rng).counts }
        for (values, sigma, name) in [(noisy.sumsOfSquares, scales.sumOfSquares, "Σh²"), (noisy.sums, scales.sum, "Σh"),
                                      (countNoise, scales.count, "count")] {
            let n = Double(values.count), mean = values.reduce(0, +) / n
            let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
            #expect(abs(std / sigma - 1) < 0.03, "\(name): std \(std), stated σ \(sigma)")
            #expect(abs(mean) < 4 * sigma / n.squareRoot(), "\(name): mean \(mean)")
        }
    }

    /// Noise can push a count into (0, 1) or below 0 and Σh² below n·μ²: the mean divides by at least 1, the
    /// variance stays ≥ 0, a count ≤ 0 reads as an empty class, and sampling skips it.
    @Test func noisyStatisticsStayUsable() throws {
        let stats = try FeatureStatistics(classCount: 3, dimension: 2, counts: [0.25, -1.5, 4],
                                          sums: [3, -2, 5, 5, 8, 4], sumsOfSquares: [-7, 1, 1, 1, 4, 4])
        #expect(try stats.mean(ofClass: 0) == [3, -2])
        #expect(try stats.variance(ofClass: 0) == [0, 0])
        #expect(try stats.mean(ofClass: 2) == [2, 1])
        #expect(try stats.variance(ofClass: 2) == [0, 0])
        #expect(throws: StatisticsError.emptyClass(1)) { try stats.mean(ofClass: 1) }
        var rng = SeededGenerator(seed: 3)
        #expect(try stats.sample(count: 200, rng: &rng).labels.allSatisfy { $0 != 1 })
    }

    @Test func clipBoundsEveryRowNormAndKeepsShortRows() throws {
        var features = Tensor(shape: [3, 2], storage: [3, 4, 0.3, 0.4, 0, 0])
        try FeatureStatistics.clip(&features, toNorm: 1)
        #expect(abs(features.storage[0] - 0.6) < 1e-6 && abs(features.storage[1] - 0.8) < 1e-6)
        #expect(Array(features.storage[2...]) == [0.3, 0.4, 0, 0])
        var rng = SeededGenerator(seed: 5)
        var wide = Tensor(shape: [200, 64], storage: (0..<12_800).map { _ in rng.nextNormal() * 7 })
        try FeatureStatistics.clip(&wide, toNorm: 10)
        for row in 0..<200 {
            let norm = wide.storage[(row * 64)..<((row + 1) * 64)].reduce(0.0) { $0 + Double($1) * Double($1) }
            #expect(norm.squareRoot() <= 10, "row \(row): norm \(norm.squareRoot())")
        }
    }

    @Test func parametersOutsideTheMechanismsDomainAreRejected() {
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "epsilon", value: 0)) {
            try GaussianNoiseScales.unitSigma(epsilon: 0, delta: 1e-5)
        }
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "epsilon", value: 101)) {
            try GaussianNoiseScales.unitSigma(epsilon: 101, delta: 1e-5)
        }
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "delta", value: 0)) {
            try GaussianNoiseScales.unitSigma(epsilon: 1, delta: 0)
        }
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "featureBound", value: -1)) {
            try GaussianNoiseScales(epsilon: 1, delta: 1e-5, featureBound: -1)
        }
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "sigma", value: 0)) {
            try GaussianNoiseScales(unit: 0, featureBound: 1)
        }
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "sigma", value: 1e-4)) {
            try GaussianNoiseScales(unit: 1e-4, featureBound: 1).epsilon(delta: 1e-5)
        }
    }
}
