import LetheTensor
import LetheWire

/// The running sum Σ n_k δ_k of masked deltas over the global mask's coordinates, and Σ n_k: FedAvg's mean taken one
/// holder at a time, so a phase never holds more than one dense vector however many holders answer.
///
/// A delta's indices are placed by rank in the mask (`MaskRanks`): O(1) per value, no dictionary of indices. The sum is
/// in Double; n_k · Double(δ) is exact (an integer below 2^24 times a 24-bit mantissa), so only the additions round,
/// and they do the same way for the same order of holders.
public struct MaskedWeightedSum: Sendable {
    public let mask: WeightMask
    private let ranks: MaskRanks
    private var sum: [Double]
    private var totalWeight = 0.0
    public private(set) var contributions = 0

    public init(mask: WeightMask) {
        self.mask = mask
        self.ranks = MaskRanks(mask)
        self.sum = [Double](repeating: 0, count: ranks.selectedCount)
    }

    /// Adds one holder's delta, weighted by its sample count; the delta must have passed `DeltaAggregation.check`.
    public mutating func add(checked contribution: DeltaContribution) {
        let weight = Double(contribution.sampleCount)
        ranks.forEachRanked(contribution.delta) { p, value in sum[p] += weight * Double(value) }
        totalWeight += weight
        contributions += 1
    }

    /// Σ n_k δ_k / Σ n_k on the mask's coordinates.
    public func mean() throws(AggregationError) -> WireSparseDelta {
        guard contributions > 0 else { throw .noContributions }
        guard totalWeight > 0 else { throw .invalidWeights("all weights are zero") }
        return WireSparseDelta(mask: mask.wireMask, values: sum.map { Float($0 / totalWeight) })
    }
}

/// Position of a selected weight among the mask's selected weights: the popcount of the words before it plus the
/// bits below it in its word.
struct MaskRanks: Sendable {
    private let words: [UInt64]
    private let before: [Int]
    let selectedCount: Int

    init(_ mask: WeightMask) {
        words = mask.words
        var running = 0
        before = mask.words.map { word in
            defer { running += word.nonzeroBitCount }
            return running
        }
        selectedCount = running
    }

    /// The rank of weight `index` in the mask, nil when it is not selected (or out of range).
    func position(of index: Int) -> Int? {
        let w = index >> 6
        guard index >= 0, w < words.count else { return nil }
        let bit: UInt64 = 1 << UInt64(index & 63)
        guard words[w] & bit != 0 else { return nil }
        return before[w] + (words[w] & (bit &- 1)).nonzeroBitCount
    }

    /// Calls `body` with each value of `delta` and its weight's rank in the mask; the delta must lie inside the mask
    /// (`DeltaAggregation.check`).
    func forEachRanked(_ delta: WireSparseDelta, _ body: (Int, Float) -> Void) {
        for (value, index) in zip(delta.values, delta.mask.setIndices) { body(position(of: index)!, value) }
    }
}
