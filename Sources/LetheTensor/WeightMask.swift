/// A set of selected weights over one flat parameter vector of `count` weights, stored as a bitset.
///
/// Bit `i` of `words[i / 64]` (bit `i % 64`, least significant first) is set when weight `i` is selected — in SalUn's
/// terms, when it is salient and may be updated. Bits at positions `count...` of the last word are always zero, so two
/// masks with the same selection have equal `words`, and `words` can go on the wire as they are.
public struct WeightMask: Hashable, Sendable, Codable {
    /// Number of weights the mask ranges over (selected or not).
    public let count: Int
    /// The bitset, `(count + 63) / 64` words, least significant bit first.
    public internal(set) var words: [UInt64]

    /// A mask of `count` weights with none selected.
    public init(count: Int) {
        precondition(count >= 0, "a mask cannot range over \(count) weights")
        self.count = count
        self.words = [UInt64](repeating: 0, count: WeightMask.wordCount(for: count))
    }

    /// A mask of `count` weights selecting exactly `setIndices`; every index must lie in `0..<count`.
    public init<S: Sequence<Int>>(count: Int, setIndices: S) throws(WeightMaskError) {
        self.init(count: count)
        for index in setIndices {
            guard index >= 0 && index < count else { throw .indexOutOfRange(index: index, count: count) }
            self[index] = true
        }
    }

    /// A mask rebuilt from its wire form; rejects a word count that does not match or bits set past `count`.
    public init(count: Int, words: [UInt64]) throws(WeightMaskError) {
        guard count >= 0, words.count == WeightMask.wordCount(for: count) else {
            throw .wordCountMismatch(count: count, words: words.count)
        }
        let tailBits = count % 64
        if tailBits != 0, let last = words.last, last >> UInt64(tailBits) != 0 {
            throw .bitsBeyondCount(count: count)
        }
        self.count = count
        self.words = words
    }

    /// Whether weight `index` is selected.
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
            return words[index >> 6] & (1 << UInt64(index & 63)) != 0
        }
        set {
            precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
            let bit: UInt64 = 1 << UInt64(index & 63)
            if newValue { words[index >> 6] |= bit } else { words[index >> 6] &= ~bit }
        }
    }

    /// Number of selected weights.
    public var selectedCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The selected indices in increasing order.
    public var setIndices: SetIndices { SetIndices(words: words) }

    /// Decodes `count` and `words`, with the checks of `init(count:words:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(count: container.decode(Int.self, forKey: .count),
                      words: container.decode([UInt64].self, forKey: .words))
    }

    /// Number of 64-bit words needed for `count` bits.
    public static func wordCount(for count: Int) -> Int { (count + 63) / 64 }
}

extension WeightMask {
    /// The selected indices of a mask, in increasing order (visits only set bits).
    public struct SetIndices: Sequence, Sendable {
        let words: [UInt64]

        public func makeIterator() -> Iterator { Iterator(words: words) }

        public struct Iterator: IteratorProtocol {
            let words: [UInt64]
            var wordIndex = 0
            var current: UInt64

            init(words: [UInt64]) {
                self.words = words
                self.current = words.first ?? 0
            }

            public mutating func next() -> Int? {
                while current == 0 {
                    wordIndex += 1
                    guard wordIndex < words.count else { return nil }
                    current = words[wordIndex]
                }
                let bit = current.trailingZeroBitCount
                current &= current - 1
                return wordIndex * 64 + bit
            }
        }
    }
}

/// Why a mask could not be built from the data given.
public enum WeightMaskError: Error, Equatable, Sendable {
    /// An index outside `0..<count`.
    case indexOutOfRange(index: Int, count: Int)
    /// Wire words whose number does not fit `count` weights; expected `(count + 63) / 64`.
    case wordCountMismatch(count: Int, words: Int)
    /// Wire words with bits set at positions `count` or beyond.
    case bitsBeyondCount(count: Int)
    /// A fraction outside [0, 1] (or not finite).
    case invalidFraction(Double)
    /// A score that is NaN; saliency scores must be numbers (compute them again or drop the batch that produced NaN).
    case notANumber(index: Int)
    /// A segment reaching outside `0..<count`, or overlapping an earlier segment.
    case invalidSegment(Range<Int>, count: Int)
}
