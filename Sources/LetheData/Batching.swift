import Foundation
import LetheTensor

extension ImageDataset {
    /// The samples at `positions` as a normalised tensor [B, C, H, W] and their labels.
    ///
    /// Each byte goes through the 256-entry table of `normalization` in a plain pointer loop: no closure per element
    /// and no Float division, so a batch of 128 Fashion-MNIST images costs a few microseconds.
    public func batch(_ positions: some Collection<Int>,
                      normalization: Normalization = .fashionMNIST) -> (images: Tensor, labels: [Int32]) {
        let size = sampleSize
        let table = normalization.lookupTable
        var labelsOut = [Int32]()
        labelsOut.reserveCapacity(positions.count)
        let tensor = Tensor(shape: [positions.count, channels, height, width]) { out in
            table.withUnsafeBufferPointer { lut in
                images.withUnsafeBufferPointer { pixels in
                    var offset = 0
                    for position in positions {
                        precondition(position >= 0 && position < count, "position \(position) outside 0..<\(count)")
                        convert(pixels.baseAddress! + position * size, into: out.baseAddress! + offset,
                                count: size, table: lut.baseAddress!)
                        labelsOut.append(labels[position])
                        offset += size
                    }
                }
            }
        }
        return (tensor, labelsOut)
    }
}

/// out[i] = table[bytes[i]] for i in 0..<count.
@inline(__always)
private func convert(_ bytes: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>, count: Int,
                     table: UnsafePointer<Float>) {
    for i in 0..<count { out[i] = table[Int(bytes[i])] }
}

/// A seeded order over positions, cut into batches of a fixed size: one epoch of minibatch training.
///
/// The last batch may be smaller than `batchSize`; `dropLast` discards it instead (useful where a loss needs full
/// batches, like the contrastive one). The order is fixed at creation, so an epoch can be replayed from its seed.
public struct EpochOrder: RandomAccessCollection, Sendable {
    /// All positions of the epoch, in visiting order.
    public let order: [Int]
    /// Positions per batch (the last batch may hold fewer unless `dropLast`).
    public let batchSize: Int
    /// Whether a final partial batch is left out.
    public let dropLast: Bool

    /// Shuffles `positions` with `rng` (Fisher–Yates via `SeededGenerator.permutation`) and batches them.
    public init(shuffling positions: [Int], batchSize: Int, dropLast: Bool = false, rng: inout SeededGenerator) {
        let permutation = rng.permutation(positions.count)
        self.init(ordered: permutation.map { positions[$0] }, batchSize: batchSize, dropLast: dropLast)
    }

    /// Batches `positions` in the order given (for evaluation, where order does not matter but determinism does).
    public init(ordered positions: [Int], batchSize: Int, dropLast: Bool = false) {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        self.order = positions
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    /// Index of the first batch.
    public var startIndex: Int { 0 }
    /// One past the last batch: ⌈n / size⌉, or ⌊n / size⌋ with `dropLast`.
    public var endIndex: Int { dropLast ? order.count / batchSize : (order.count + batchSize - 1) / batchSize }

    /// The positions of batch `index`.
    public subscript(index: Int) -> ArraySlice<Int> {
        precondition(index >= 0 && index < endIndex, "batch \(index) outside 0..<\(endIndex)")
        let start = index * batchSize
        return order[start..<Swift.min(start + batchSize, order.count)]
    }
}
