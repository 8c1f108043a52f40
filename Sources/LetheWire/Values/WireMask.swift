/// A set of weight indices as a bitset: the wire form of a saliency mask or a top-k report.
///
/// Bit `i` lives in bit `i % 64` of word `i / 64` (the layout of `Lethe_V1_Bitset`), so a mask over the flat
/// parameter vector of a 1M-weight model is 125 KB. Bits at or past `bitCount` are always zero, which keeps
/// equality and `popCount` exact.
public struct WireMask: Equatable, Hashable, Sendable {
    /// Number of addressable bits (the length of the parameter vector the mask covers).
    public let bitCount: Int
    /// The bits, 64 per word, least significant bit first.
    public private(set) var words: [UInt64]

    /// Words needed for `bitCount` bits.
    public static func wordCount(forBits bitCount: Int) -> Int { (bitCount + 63) / 64 }

    /// An empty mask over `bitCount` bits.
    public init(bitCount: Int) {
        precondition(bitCount >= 0, "negative bit count \(bitCount)")
        self.bitCount = bitCount
        self.words = [UInt64](repeating: 0, count: Self.wordCount(forBits: bitCount))
    }

    /// A mask with the given bits set; every index must be in `0..<bitCount`.
    public init(bitCount: Int, setting indices: some Sequence<Int>) {
        self.init(bitCount: bitCount)
        for index in indices { self[index] = true }
    }

    /// A mask from one Boolean per weight.
    public init(_ bits: [Bool]) {
        self.init(bitCount: bits.count, setting: bits.indices.filter { bits[$0] })
    }

    /// A mask from raw words; the caller guarantees the word count and that bits past `bitCount` are clear.
    /// Incoming wire data goes through `init(wire:)`, which checks both and throws instead.
    public init(bitCount: Int, words: [UInt64]) {
        precondition(words.count == Self.wordCount(forBits: bitCount), "need \(Self.wordCount(forBits: bitCount)) words")
        precondition(Self.tailIsClear(bitCount: bitCount, words: words), "bits set past bitCount \(bitCount)")
        self.bitCount = bitCount
        self.words = words
    }

    /// Whether bit `index` is set.
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < bitCount, "bit \(index) outside 0..<\(bitCount)")
            return words[index >> 6] & (1 << UInt64(index & 63)) != 0
        }
        set {
            precondition(index >= 0 && index < bitCount, "bit \(index) outside 0..<\(bitCount)")
            if newValue {
                words[index >> 6] |= 1 << UInt64(index & 63)
            } else {
                words[index >> 6] &= ~(1 << UInt64(index & 63))
            }
        }
    }

    /// Number of set bits.
    public var popCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The set indices in increasing order.
    public var setIndices: [Int] {
        var result: [Int] = []
        result.reserveCapacity(popCount)
        for (w, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(w << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }

    /// True when no word has a bit at or past `bitCount`.
    static func tailIsClear(bitCount: Int, words: [UInt64]) -> Bool {
        let used = bitCount & 63
        guard used != 0, let last = words.last else { return true }
        return last >> UInt64(used) == 0
    }
}
