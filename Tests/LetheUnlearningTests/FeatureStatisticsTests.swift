import Foundation
import LetheTensor
import Testing
@testable import LetheUnlearning

@Suite struct FeatureStatisticsTests {
    /// Mean and population variance against numpy (`Tests/Reference/svm_reference.py`, stats_golden.json).
    @Test func meanAndVarianceMatchNumpy() throws {
        let rows = try ReferenceFiles.csvRows("stats_data.csv")
        let golden = try ReferenceFiles.json(ReferenceFiles.StatisticsGolden.self, "stats_golden.json")
        let features = Tensor(shape: [rows.count, 3], storage: rows.flatMap { $0[1...].map { Float($0)! } })
        var statistics = try FeatureStatistics(classCount: 3, dimension: 3)
        try statistics.accumulate(features: features, labels: rows.map { Int32($0[0])! })
        for (c, expected) in golden.classes.enumerated() {
            #expect(statistics.counts[c] == Double(expected.count))
            let mean = try statistics.mean(ofClass: c), variance = try statistics.variance(ofClass: c)
            for k in 0..<3 {
                #expect(abs(mean[k] - expected.mean[k]) < 1e-9, "class \(c) mean[\(k)]")
                #expect(abs(variance[k] - expected.variance[k]) < 1e-9, "class \(c) variance[\(k)]")
            }
        }
    }

    /// Features on a 1/8 grid make every sum exact in Double, so merge must equal the union bit for bit.
    @Test func mergeEqualsStatisticsOfTheUnion() throws {
        var rng = SeededGenerator(seed: 4)
        func batch(_ n: Int) -> (Tensor, [Int32]) {
            let values = (0..<(n * 4)).map { _ in Float(rng.nextInt(below: 161) - 80) / 8 }
            return (Tensor(shape: [n, 4], storage: values), (0..<n).map { _ in Int32(rng.nextInt(below: 5)) })
        }
        let (fa, la) = batch(300), (fb, lb) = batch(200)
        var clientA = try FeatureStatistics(classCount: 5, dimension: 4)
        var clientB = clientA, union = clientA
        try clientA.accumulate(features: fa, labels: la)
        try clientB.accumulate(features: fb, labels: lb)
        try union.accumulate(features: Tensor(shape: [500, 4], storage: fa.storage + fb.storage), labels: la + lb)
        #expect(try clientA.merged(with: clientB) == union)
        #expect(try clientB.merged(with: clientA) == union)
    }

    @Test func samplingReproducesClassFrequenciesAndMoments() throws {
        var statistics = try FeatureStatistics(classCount: 3, dimension: 2)
        statistics.counts = [100, 200, 700]
        let means: [[Double]] = [[-2, 1], [0, 0], [3, -1]], variances: [[Double]] = [[1, 0.25], [4, 1], [0.5, 2]]
        for c in 0..<3 {
            for k in 0..<2 {
                statistics.sums[c * 2 + k] = means[c][k] * statistics.counts[c]
                statistics.sumsOfSquares[c * 2 + k] = (variances[c][k] + means[c][k] * means[c][k]) * statistics.counts[c]
            }
        }
        var rng = SeededGenerator(seed: 8)
        let n = 200_000
        let (features, labels) = try statistics.sample(count: n, rng: &rng)
        #expect(features.shape == [n, 2])
        var sampled = try FeatureStatistics(classCount: 3, dimension: 2)
        try sampled.accumulate(features: features, labels: labels)
        for c in 0..<3 {
            let frequency = sampled.counts[c] / Double(n), expected = statistics.counts[c] / 1000
            #expect(abs(frequency - expected) < 0.005, "class \(c) frequency \(frequency)")
            let mean = try sampled.mean(ofClass: c), variance = try sampled.variance(ofClass: c)
            for k in 0..<2 {
                #expect(abs(mean[k] - means[c][k]) < 0.03, "class \(c) mean[\(k)] \(mean[k])")
                #expect(abs(variance[k] / variances[c][k] - 1) < 0.04, "class \(c) variance[\(k)] \(variance[k])")
            }
        }
    }

    @Test func sameSeedGivesTheSameSample() throws {
        var statistics = try FeatureStatistics(classCount: 2, dimension: 3)
        try statistics.accumulate(features: Tensor(shape: [4, 3], storage: (0..<12).map { Float($0) }),
                                  labels: [0, 1, 0, 1])
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let first = try statistics.sample(count: 50, rng: &a)
        let second = try statistics.sample(count: 50, rng: &b)
        let third = try statistics.sample(count: 50, rng: &c)
        #expect(first.features == second.features && first.labels == second.labels)
        #expect(first.features != third.features)
    }

    @Test func badInputIsATypedError() throws {
        var statistics = try FeatureStatistics(classCount: 2, dimension: 2)
        let twoRows = Tensor(shape: [2, 2], storage: [1, 2, 3, 4])
        #expect(throws: StatisticsError.labelOutOfRange(label: 2, classCount: 2)) {
            try statistics.accumulate(features: twoRows, labels: [0, 2])
        }
        #expect(throws: StatisticsError.lengthMismatch(features: 2, labels: 1)) {
            try statistics.accumulate(features: twoRows, labels: [0])
        }
        #expect(throws: StatisticsError.notFinite(row: 1, column: 0)) {
            try statistics.accumulate(features: Tensor(shape: [2, 2], storage: [1, 2, .nan, 4]), labels: [0, 1])
        }
        #expect(throws: StatisticsError.featureShape(expectedDimension: 2, actual: [2, 3])) {
            try statistics.accumulate(features: Tensor(shape: [2, 3]), labels: [0, 1])
        }
        #expect(statistics.counts == [0, 0])  // nothing half-added
        #expect(throws: StatisticsError.emptyClass(1)) { try statistics.mean(ofClass: 1) }
        #expect(throws: StatisticsError.noSamples) {
            var rng = SeededGenerator(seed: 1)
            _ = try statistics.sample(count: 3, rng: &rng)
        }
        #expect(throws: StatisticsError.shapeMismatch(expected: [2, 2], actual: [3, 2])) {
            try statistics.merge(try FeatureStatistics(classCount: 3, dimension: 2))
        }
    }
}
