import Foundation
import LetheTensor

extension Tensor {
    /// A tensor from its wire form, after checking rank, extents, byte count and that every element is finite.
    ///
    /// - Parameters:
    ///   - field: the field path used in error messages, e.g. `model_weights.parameters`.
    ///   - limits: bounds on rank and element count.
    public init(wire: Lethe_V1_Tensor, field: String = "tensor", limits: WireLimits = .default) throws(WireError) {
        let dims = try Tensor.validate(wire, field: field, limits: limits)
        let count = dims.reduce(1, *)
        self.init(shape: dims, storage: LittleEndianBytes.array(wire.data, count: count, of: Float.self))
    }

    /// The wire form: the shape and the elements as little-endian float32 bytes (one copy).
    public var wire: Lethe_V1_Tensor {
        var message = Lethe_V1_Tensor()
        message.shape = shape.map { Int64($0) }
        message.data = LittleEndianBytes.data(of: storage)
        return message
    }

    /// Checks a wire tensor without copying its elements; returns its extents.
    static func validate(_ wire: Lethe_V1_Tensor, field: String, limits: WireLimits) throws(WireError) -> [Int] {
        let (dims, count) = try FieldCheck.shape(wire.shape, field: field, limits: limits)
        try FieldCheck.float32Bytes(wire.data, count: count, field: "\(field).data")
        return dims
    }
}

extension WireMask {
    /// A mask from its wire form, after checking the bit count, the word bytes and that no bit past the count is set.
    public init(wire: Lethe_V1_Bitset, field: String = "mask", limits: WireLimits = .default) throws(WireError) {
        try WireMask.validate(wire, field: field, limits: limits)
        let bitCount = Int(wire.bitCount)
        self.init(bitCount: bitCount,
                  words: LittleEndianBytes.array(wire.words, count: WireMask.wordCount(forBits: bitCount), of: UInt64.self))
    }

    /// The wire form: bit count and little-endian words.
    public var wire: Lethe_V1_Bitset {
        var message = Lethe_V1_Bitset()
        message.bitCount = UInt64(bitCount)
        message.words = LittleEndianBytes.data(of: words)
        return message
    }

    /// Checks a wire bitset without building a mask; returns its number of set bits.
    @discardableResult
    static func validate(_ wire: Lethe_V1_Bitset, field: String, limits: WireLimits) throws(WireError) -> Int {
        guard wire.bitCount <= UInt64(limits.maxMaskBits) else {
            throw .tooLarge(field: "\(field).bit_count", size: Int(clamping: wire.bitCount), limit: limits.maxMaskBits)
        }
        let words = wordCount(forBits: Int(wire.bitCount))
        guard wire.words.count == words * 8 else {
            throw .shapeMismatch(field: "\(field).words",
                                 detail: "holds \(wire.words.count) bytes, but \(wire.bitCount) bits need \(words * 8)")
        }
        let (population, tail) = wire.words.withUnsafeBytes { raw -> (Int, UInt64) in
            var population = 0
            for w in 0..<words { population += raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self).nonzeroBitCount }
            let tail = words == 0 ? 0 : raw.loadUnaligned(fromByteOffset: (words - 1) * 8, as: UInt64.self)
            return (population, tail)
        }
        let used = Int(wire.bitCount) & 63
        if used != 0, tail >> UInt64(used) != 0 {
            throw .shapeMismatch(field: "\(field).words", detail: "has bits set past bit_count \(wire.bitCount)")
        }
        return population
    }
}

extension WireSparseDelta {
    /// A sparse delta from its wire form: a valid mask and exactly one finite float32 per set bit.
    public init(wire: Lethe_V1_SparseDelta, field: String = "delta", limits: WireLimits = .default) throws(WireError) {
        try WireSparseDelta.validate(wire, field: field, limits: limits)
        let mask = try WireMask(wire: wire.mask, field: "\(field).mask", limits: limits)
        self.init(mask: mask, values: LittleEndianBytes.array(wire.values, count: mask.popCount, of: Float.self))
    }

    /// The wire form: the mask's bitset and the values as little-endian float32.
    public var wire: Lethe_V1_SparseDelta {
        var message = Lethe_V1_SparseDelta()
        message.mask = mask.wire
        message.values = LittleEndianBytes.data(of: values)
        return message
    }

    static func validate(_ wire: Lethe_V1_SparseDelta, field: String, limits: WireLimits) throws(WireError) {
        guard wire.hasMask else { throw .missingField(field: "\(field).mask") }
        let population = try WireMask.validate(wire.mask, field: "\(field).mask", limits: limits)
        try FieldCheck.float32Bytes(wire.values, count: population, field: "\(field).values")
    }
}
