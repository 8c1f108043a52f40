import Foundation
import Testing
@testable import LetheData
import LetheTensor

@Suite struct PartitionTests {
    let dataset = labelOnlyDataset(labels: interleavedLabels(perClass: [Int](repeating: 500, count: 10)))

    @Test func sizesDifferByAtMostOne() {
        #expect(Partition.sizes(total: 10, parts: 3) == [4, 3, 3])
        #expect(Partition.sizes(total: 2, parts: 4) == [1, 1, 0, 0])
    }

    @Test func iidCoversEveryPositionOnceInNearEqualParts() throws {
        var rng = SeededGenerator(seed: 1)
        let positions = Array(stride(from: 0, to: 5000, by: 3))
        let parts = try Partition.iid(positions, clients: 4, rng: &rng)
        #expect(parts.map(\.count) == Partition.sizes(total: positions.count, parts: 4))
        #expect(parts.flatMap { $0 }.sorted() == positions)
        #expect(parts[0] != Array(positions.prefix(parts[0].count)))
    }

    @Test func dirichletIsDeterministicBySeedAndCoversEveryIndexOnce() throws {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let first = try dataset.partitionDirichlet(clients: 8, alpha: 0.5, rng: &a)
        #expect(first == (try dataset.partitionDirichlet(clients: 8, alpha: 0.5, rng: &b)))
        #expect(first != (try dataset.partitionDirichlet(clients: 8, alpha: 0.5, rng: &c)))
        #expect(first.flatMap { $0 }.sorted() == Array(0..<dataset.count))
    }

    @Test(arguments: [0.01, 0.1, 1.0]) func everyClientGetsASample(alpha: Double) throws {
        var rng = SeededGenerator(seed: 3)
        let parts = try dataset.partitionDirichlet(Array(0..<60), clients: 30, alpha: alpha, rng: &rng)
        #expect(parts.allSatisfy { !$0.isEmpty })
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<60))
    }

    /// Mean over clients of the largest class share: near 1 when α is small, near 1/10 when α is large.
    @Test func smallAlphaSkewsAndLargeAlphaEvensClassMixes() throws {
        func meanLargestShare(alpha: Double) throws -> Double {
            var rng = SeededGenerator(seed: 11)
            let parts = try dataset.partitionDirichlet(clients: 10, alpha: alpha, rng: &rng)
            return parts.map { part in
                Double(dataset.classCounts(at: part).max()!) / Double(part.count)
            }.reduce(0, +) / Double(parts.count)
        }
        let skewed = try meanLargestShare(alpha: 0.05), even = try meanLargestShare(alpha: 1000)
        #expect(skewed > 0.6, "α = 0.05 gave mean largest share \(skewed)")
        #expect(even < 0.15, "α = 1000 gave mean largest share \(even)")
    }

    @Test func invalidRequestsThrow() {
        var rng = SeededGenerator(seed: 1)
        #expect(throws: PartitionError.nonPositiveAlpha(0)) {
            try dataset.partitionDirichlet(clients: 4, alpha: 0, rng: &rng)
        }
        #expect(throws: PartitionError.tooFewSamples(samples: 3, clients: 4)) {
            try dataset.partitionIID([0, 1, 2], clients: 4, rng: &rng)
        }
        #expect(throws: PartitionError.tooFewSamples(samples: 3, clients: 4)) {
            try dataset.partitionDirichlet([0, 1, 2], clients: 4, alpha: 1, rng: &rng)
        }
    }

    /// Gamma(k, 1) has mean k and variance k; checked for a shape below and above 1 (the two sampler branches).
    @Test(arguments: [0.3, 4.0]) func gammaSamplerHasRightMoments(shape: Double) {
        var rng = SeededGenerator(seed: 21)
        let draws = (0..<40_000).map { _ in Partition.gammaSample(shape: shape, rng: &rng) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - shape) < 0.05 * shape + 0.01, "mean \(mean)")
        #expect(abs(variance - shape) < 0.1 * shape + 0.01, "variance \(variance)")
    }
}
