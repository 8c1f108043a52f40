import LetheData
import LetheTensor

/// An endless stream of retained batches: a shuffled pass over D_r, reshuffled when used up. Methods that
/// interleave "a random retained batch" with forget steps draw from it, so every retained sample is used before any
/// repeats.
struct RetainStream {
    private let positions: [Int]
    private let batchSize: Int
    private var order: [Int] = []
    private var cursor = 0

    init(positions: [Int], batchSize: Int) {
        self.positions = positions
        self.batchSize = min(batchSize, positions.count)
    }

    /// Batches that make one full pass (0 when there is no retained data).
    var batchesPerPass: Int { batchSize == 0 ? 0 : (positions.count + batchSize - 1) / batchSize }

    var isEmpty: Bool { positions.isEmpty }

    mutating func next(rng: inout SeededGenerator) -> ArraySlice<Int> {
        if cursor + batchSize > order.count {
            order = rng.permutation(positions.count).map { positions[$0] }
            cursor = 0
        }
        defer { cursor += batchSize }
        return order[cursor..<(cursor + batchSize)]
    }
}
