import Foundation
import LetheTensor
import Testing
@testable import LetheUnlearning

@Suite struct FeatureStatisticsPrivacyTests {
    /// σ = Δ · √(2 ln(1.25 / (δ/3))) / (ε/3) with Δ = 1, B, B² — worked by hand for ε = 1, δ = 1e-5, B = 2:
    /// √(2 ln 375000) = 5.06649…, times 3 = 15.19948…
    @Test func noiseScalesFollowTheGaussianMechanism() throws {
        let scales = try FeatureStatistics.gaussianNoiseScales(epsilon: 1, delta: 1e-5, featureBound: 2)
        let unit = 3 * (2 * log(375_000.0)).squareRoot()
        #expect(abs(unit - 15.19948) < 1e-4)
        #expect(abs(scales.count - unit) < 1e-12)
        #expect(abs(scales.sum - 2 * unit) < 1e-12)
        #expect(abs(scales.sumOfSquares - 4 * unit) < 1e-12)
    }

    /// The noise actually added has the stated standard deviation (5,000 sum entries per release; 3 % tolerance).
    @Test func addedNoiseHasTheStatedScale() throws {
        let clean = try FeatureStatistics(classCount: 10, dimension: 500)
        var rng = SeededGenerator(seed: 12)
        let noisy = try clean.privatized(epsilon: 2, delta: 1e-6, featureBound: 0.5, rng: &rng)
        let scales = try FeatureStatistics.gaussianNoiseScales(epsilon: 2, delta: 1e-6, featureBound: 0.5)
        func std(_ values: [Double]) -> Double {
            (values.reduce(0) { $0 + $1 * $1 } / Double(values.count)).squareRoot()
        }
        #expect(abs(std(noisy.sums) / scales.sum - 1) < 0.03)
        #expect(abs(std(noisy.sumsOfSquares) / scales.sumOfSquares - 1) < 0.03)
        var countNoise: [Double] = []
        for _ in 0..<500 { countNoise += try clean.privatized(epsilon: 2, delta: 1e-6, featureBound: 0.5, rng: &rng).counts }
        #expect(abs(std(countNoise) / scales.count - 1) < 0.03)
    }

    @Test func clipBoundsEveryRowNormAndKeepsShortRows() throws {
        var features = Tensor(shape: [3, 2], storage: [3, 4, 0.3, 0.4, 0, 0])
        try FeatureStatistics.clip(&features, toNorm: 1)
        #expect(abs(features.storage[0] - 0.6) < 1e-6 && abs(features.storage[1] - 0.8) < 1e-6)
        #expect(Array(features.storage[2...]) == [0.3, 0.4, 0, 0])
    }

    @Test func parametersOutsideTheMechanismsDomainAreRejected() {
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "epsilon", value: 3)) {
            try FeatureStatistics.gaussianNoiseScales(epsilon: 3, delta: 1e-5, featureBound: 1)
        }
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "delta", value: 0)) {
            try FeatureStatistics.gaussianNoiseScales(epsilon: 1, delta: 0, featureBound: 1)
        }
        #expect(throws: StatisticsError.invalidPrivacyParameter(name: "featureBound", value: -1)) {
            try FeatureStatistics.gaussianNoiseScales(epsilon: 1, delta: 1e-5, featureBound: -1)
        }
    }
}
