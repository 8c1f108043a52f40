/// A masked model update: the values of the weights whose mask bit is set, in increasing index order.
///
/// This is what forget-holding clients return in the forgetting and contrastive phases, where only the masked
/// weights move (ARCHITECTURE.md steps 4 and 6): a 50 % mask halves the payload, and the bitset costs 1/32 more.
public struct WireSparseDelta: Equatable, Sendable {
    /// Which weights the values belong to.
    public let mask: WireMask
    /// One value per set bit of `mask`, in increasing index order.
    public let values: [Float]

    /// A delta from a mask and its values; `values.count` must equal `mask.popCount`.
    public init(mask: WireMask, values: [Float]) {
        precondition(values.count == mask.popCount, "\(values.count) values for \(mask.popCount) set bits")
        self.mask = mask
        self.values = values
    }

    /// The masked entries of a dense vector of `mask.bitCount` elements.
    public init(gathering dense: [Float], mask: WireMask) {
        precondition(dense.count == mask.bitCount, "dense vector has \(dense.count) elements, mask \(mask.bitCount)")
        self.init(mask: mask, values: mask.setIndices.map { dense[$0] })
    }

    /// The dense vector with `values` at the masked indices and zero elsewhere.
    public func scattered() -> [Float] {
        var dense = [Float](repeating: 0, count: mask.bitCount)
        for (value, index) in zip(values, mask.setIndices) { dense[index] = value }
        return dense
    }
}
