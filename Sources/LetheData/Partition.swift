import Foundation
import LetheTensor

/// Why a federated partition could not be made.
public enum PartitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer samples than clients (or no client): someone would get nothing to train on.
    case tooFewSamples(samples: Int, clients: Int)
    /// The Dirichlet concentration must be positive.
    case nonPositiveAlpha(Double)

    /// What was wrong and what to change.
    public var description: String {
        switch self {
        case let .tooFewSamples(samples, clients):
            return "Cannot give \(clients) clients at least one sample each from \(samples) samples; "
                + "use at least one client and no more clients than samples."
        case let .nonPositiveAlpha(alpha):
            return "Dirichlet α must be positive (got \(alpha)); small values such as 0.1 give skewed clients, "
                + "large ones such as 100 nearly IID ones."
        }
    }
}

/// Splits of a data set's positions among federated clients, each deterministic given its generator.
public enum Partition {
    /// `parts` sizes that differ by at most one and add up to `total` (the first `total % parts` get the extra one).
    public static func sizes(total: Int, parts: Int) -> [Int] {
        precondition(parts > 0 && total >= 0, "need parts > 0 and total ≥ 0")
        return (0..<parts).map { total / parts + ($0 < total % parts ? 1 : 0) }
    }

    /// IID: a seeded shuffle of `positions` cut into near-equal parts (`sizes(total:parts:)`), each part ascending.
    public static func iid(_ positions: [Int], clients: Int, rng: inout SeededGenerator) throws -> [[Int]] {
        guard clients > 0 && positions.count >= clients else {
            throw PartitionError.tooFewSamples(samples: positions.count, clients: clients)
        }
        let shuffled = rng.permutation(positions.count).map { positions[$0] }
        var parts = [[Int]](), start = 0
        for size in sizes(total: positions.count, parts: clients) {
            parts.append(shuffled[start..<(start + size)].sorted())
            start += size
        }
        return parts
    }

    /// Non-IID by class (Hsu et al. 2019): for each class c, client shares p ~ Dir(α, …, α) split c's shuffled
    /// samples by cumulative rounding. Small α concentrates each class on few clients; large α approaches IID.
    ///
    /// `labels[i]` is the class of `positions[i]`. Every client gets at least one sample: an empty client takes the
    /// last sample of the currently largest client (a deterministic repair that moves at most `clients` samples).
    public static func dirichlet(_ positions: [Int], labels: [Int32], classCount: Int, clients: Int, alpha: Double,
                                 rng: inout SeededGenerator) throws -> [[Int]] {
        precondition(labels.count == positions.count, "need one label per position")
        guard alpha > 0 && alpha.isFinite else { throw PartitionError.nonPositiveAlpha(alpha) }
        guard clients > 0 && positions.count >= clients else {
            throw PartitionError.tooFewSamples(samples: positions.count, clients: clients)
        }
        var groups = [[Int]](repeating: [], count: classCount)
        for (position, label) in zip(positions, labels) { groups[Int(label)].append(position) }
        var parts = [[Int]](repeating: [], count: clients)
        for group in groups where !group.isEmpty {
            let shuffled = rng.permutation(group.count).map { group[$0] }
            let shares = dirichletSample(alpha: alpha, count: clients, rng: &rng)
            for (client, range) in splitRanges(count: group.count, shares: shares).enumerated() {
                parts[client] += shuffled[range]
            }
        }
        fillEmptyClients(&parts)
        return parts.map { $0.sorted() }
    }

    /// Consecutive ranges of 0..<count, range k ending at round(count · (p_0 + … + p_k)); the last ends at count.
    static func splitRanges(count: Int, shares: [Double]) -> [Range<Int>] {
        var cumulative = 0.0, start = 0
        return shares.indices.map { k in
            cumulative += shares[k]
            let rounded = Int((cumulative * Double(count)).rounded())
            let end = k == shares.count - 1 ? count : min(count, max(start, rounded))
            defer { start = end }
            return start..<end
        }
    }

    /// Moves one sample from the largest client to each empty one.
    static func fillEmptyClients(_ parts: inout [[Int]]) {
        while let empty = parts.firstIndex(where: \.isEmpty) {
            let sizes = parts.map(\.count)
            let largest = sizes.firstIndex(of: sizes.max()!)!
            parts[empty].append(parts[largest].removeLast())
        }
    }

    /// A draw from the symmetric Dirichlet(α) on `count` categories: normalised Gamma(α, 1) variates.
    /// If every variate underflows (tiny α), all mass goes to one uniformly chosen category, the α → 0 limit.
    static func dirichletSample(alpha: Double, count: Int, rng: inout SeededGenerator) -> [Double] {
        let draws = (0..<count).map { _ in gammaSample(shape: alpha, rng: &rng) }
        let total = draws.reduce(0, +)
        guard total > 0 && total.isFinite else {
            let winner = rng.nextInt(below: count)
            return (0..<count).map { $0 == winner ? 1 : 0 }
        }
        return draws.map { $0 / total }
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000); for shape < 1, Gamma(shape + 1) · U^(1/shape).
    static func gammaSample(shape: Double, rng: inout SeededGenerator) -> Double {
        if shape < 1 {
            let boost = pow(uniformOpen(&rng), 1 / shape)
            return gammaSample(shape: shape + 1, rng: &rng) * boost
        }
        let d = shape - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            let x = Double(rng.nextNormal())
            let v = pow(1 + c * x, 3)
            guard v > 0 else { continue }
            if log(uniformOpen(&rng)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A double uniformly distributed in (0, 1), never exactly 0 so its logarithm is finite.
    private static func uniformOpen(_ rng: inout SeededGenerator) -> Double {
        (Double(rng.next() >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }
}

extension ImageDataset {
    /// `Partition.iid` over `positions` (all samples by default).
    public func partitionIID(_ positions: [Int]? = nil, clients: Int, rng: inout SeededGenerator) throws -> [[Int]] {
        try Partition.iid(positions ?? Array(0..<count), clients: clients, rng: &rng)
    }

    /// `Partition.dirichlet` over `positions` (all samples by default), using this data set's labels.
    public func partitionDirichlet(_ positions: [Int]? = nil, clients: Int, alpha: Double,
                                   rng: inout SeededGenerator) throws -> [[Int]] {
        let chosen = positions ?? Array(0..<count)
        return try Partition.dirichlet(chosen, labels: chosen.map { labels[$0] }, classCount: classCount,
                                       clients: clients, alpha: alpha, rng: &rng)
    }
}
