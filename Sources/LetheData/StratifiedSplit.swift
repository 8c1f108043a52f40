import Foundation
import LetheTensor

/// Two disjoint sets of positions covering a data set: what is trained on and what is held out for validation.
public struct TrainValidationSplit: Sendable, Equatable {
    /// Positions used for training, ascending.
    public let train: [Int]
    /// Positions held out for validation, ascending.
    public let validation: [Int]
}

extension ImageDataset {
    /// A seeded validation split that keeps each class's share (ALGORITHMS.md "Protocol": 10 % of 60,000 → 6,000).
    ///
    /// The validation set has exactly round(fraction · N) samples. Class c contributes ⌊fraction · n_c⌋ samples plus
    /// one more for the classes with the largest remainders (ties to the lower class), so no class is off its exact
    /// share by a full sample; with 6,000 images per class and 10 % every class gives exactly 600. Within a class the
    /// samples are drawn uniformly without replacement from `rng`.
    public func stratifiedSplit(validationFraction fraction: Double,
                                rng: inout SeededGenerator) -> TrainValidationSplit {
        precondition(fraction > 0 && fraction < 1, "validation fraction must be in (0, 1), got \(fraction)")
        let groups = positionsByClass
        let quotas = Self.largestRemainderQuotas(groups.map(\.count), fraction: fraction)
        var validation = [Int]()
        for (group, quota) in zip(groups, quotas) {
            let order = rng.permutation(group.count)
            validation += order.prefix(quota).map { group[$0] }
        }
        validation.sort()
        return TrainValidationSplit(train: Self.complement(of: validation, in: count), validation: validation)
    }

    /// Per-class sample counts that sum to round(fraction · Σ counts), each within one of fraction · count.
    static func largestRemainderQuotas(_ counts: [Int], fraction: Double) -> [Int] {
        let exact = counts.map { Double($0) * fraction }
        var quotas = exact.map { Int($0.rounded(.down)) }
        let target = Int((Double(counts.reduce(0, +)) * fraction).rounded())
        let byRemainder = exact.indices.sorted { a, b in
            let (ra, rb) = (exact[a] - Double(quotas[a]), exact[b] - Double(quotas[b]))
            return ra != rb ? ra > rb : a < b
        }
        var missing = target - quotas.reduce(0, +)
        for index in byRemainder where missing > 0 && quotas[index] < counts[index] {
            quotas[index] += 1
            missing -= 1
        }
        return quotas
    }

    /// Positions of 0..<count not in `chosen` (which must be ascending), ascending.
    static func complement(of chosen: [Int], in count: Int) -> [Int] {
        var isChosen = [Bool](repeating: false, count: count)
        for position in chosen { isChosen[position] = true }
        return (0..<count).filter { !isChosen[$0] }
    }
}
