import Foundation
import LetheTensor

/// One piece of a tensor too large for a single message: a rank-1 slice plus where it belongs.
public struct WireTensorPiece: Sendable {
    /// The elements of this piece (the whole tensor when `chunk` is nil).
    public var tensor: Lethe_V1_Tensor
    /// Where the piece sits, or nil when the tensor travels whole.
    public var chunk: Lethe_V1_ChunkInfo?
}

extension Tensor {
    /// The tensor as wire pieces of at most `maxElements` elements each (DECISIONS.md §8: payloads over the size
    /// limit are split into numbered chunks). A tensor that fits travels whole, with no `ChunkInfo`.
    public func wirePieces(maxElements: Int) -> [WireTensorPiece] {
        precondition(maxElements > 0, "maxElements must be positive")
        guard count > maxElements else { return [WireTensorPiece(tensor: wire, chunk: nil)] }
        let pieces = (count + maxElements - 1) / maxElements
        return (0..<pieces).map { index in
            let start = index * maxElements
            let end = Swift.min(start + maxElements, count)
            var slice = Lethe_V1_Tensor()
            slice.shape = [Int64(end - start)]
            slice.data = storage[start..<end].withUnsafeBytes { Data($0) }
            var info = Lethe_V1_ChunkInfo()
            info.index = UInt32(index)
            info.count = UInt32(pieces)
            info.elementOffset = UInt64(start)
            info.fullShape = shape.map { Int64($0) }
            return WireTensorPiece(tensor: slice, chunk: info)
        }
    }
}

/// Collects the chunks of one tensor, in any order, and yields the tensor once every chunk has arrived.
///
/// Each chunk is validated on arrival; a chunk that disagrees with the first (count, full shape), repeats an index,
/// or overlaps an earlier chunk is refused with a `WireError` and the assembly stays usable. Chunks that do not
/// overlap but leave a gap are detected once all have arrived.
public struct TensorReassembler {
    private var fullShape: [Int64] = []
    private var total = 0
    private var expected = 0
    private var storage: [Float] = []
    private var ranges: [Int: Range<Int>] = [:]
    private let limits: WireLimits

    public init(limits: WireLimits = .default) { self.limits = limits }

    /// Adds one chunk; returns the complete tensor when this was the last missing chunk, nil otherwise.
    public mutating func add(_ tensor: Lethe_V1_Tensor, chunk: Lethe_V1_ChunkInfo,
                             field: String = "tensor") throws(WireError) -> Tensor? {
        let elements = try ChunkCheck.validate(chunk, slice: tensor, field: field, limits: limits)
        if expected == 0 {
            (fullShape, expected) = (chunk.fullShape, Int(chunk.count))
            total = try FieldCheck.shape(fullShape, field: field, limits: limits).count
            storage = [Float](repeating: 0, count: total)
        }
        guard chunk.fullShape == fullShape, Int(chunk.count) == expected else {
            throw .shapeMismatch(field: "\(field).chunk", detail: "chunk \(chunk.index) disagrees with the first chunk "
                                 + "(count \(expected), full shape \(fullShape))")
        }
        guard ranges[Int(chunk.index)] == nil else {
            throw .invalidValue(field: "\(field).chunk.index", detail: "chunk \(chunk.index) arrived twice")
        }
        if let (other, _) = ranges.first(where: { $0.value.overlaps(elements) }) {
            throw .shapeMismatch(field: "\(field).chunk", detail: "chunk \(chunk.index) overlaps chunk \(other)")
        }
        ranges[Int(chunk.index)] = elements
        storage.withUnsafeMutableBytes { dst in
            tensor.data.withUnsafeBytes { src in
                dst.baseAddress!.advanced(by: elements.lowerBound * 4).copyMemory(from: src.baseAddress!, byteCount: src.count)
            }
        }
        return ranges.count == expected ? try finish(field: field) : nil
    }

    private func finish(field: String) throws(WireError) -> Tensor {
        var next = 0
        for range in ranges.values.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            guard range.lowerBound == next else {
                throw .shapeMismatch(field: "\(field).chunk", detail: "chunks leave a gap or overlap at element \(next)")
            }
            next = range.upperBound
        }
        guard next == total else {
            throw .shapeMismatch(field: "\(field).chunk", detail: "chunks cover \(next) of \(total) elements")
        }
        return Tensor(shape: fullShape.map { Int($0) }, storage: storage)
    }
}

/// Checks of a `ChunkInfo` against the slice it describes.
enum ChunkCheck {
    /// Validates the descriptor and the slice; returns the element range the slice covers in the full tensor.
    static func validate(_ chunk: Lethe_V1_ChunkInfo, slice: Lethe_V1_Tensor, field: String,
                         limits: WireLimits) throws(WireError) -> Range<Int> {
        try FieldCheck.atLeast(chunk.count, 1, field: "\(field).chunk.count")
        guard chunk.count <= UInt32(limits.maxChunks) else {
            throw .tooLarge(field: "\(field).chunk.count", size: Int(chunk.count), limit: limits.maxChunks)
        }
        guard chunk.index < chunk.count else {
            throw .invalidValue(field: "\(field).chunk.index", detail: "index \(chunk.index) is not below count \(chunk.count)")
        }
        let total = try FieldCheck.shape(chunk.fullShape, field: "\(field).chunk.full", limits: limits).count
        let dims = try Tensor.validate(slice, field: field, limits: limits)
        guard dims.count == 1 else {
            throw .shapeMismatch(field: "\(field).shape", detail: "a chunk must be rank 1, got shape \(dims)")
        }
        guard chunk.elementOffset <= UInt64(total), dims[0] <= total - Int(chunk.elementOffset) else {
            throw .shapeMismatch(field: "\(field).chunk", detail: "elements \(chunk.elementOffset)+\(dims[0]) run past "
                                 + "the full tensor's \(total)")
        }
        let start = Int(chunk.elementOffset)
        return start..<(start + dims[0])
    }
}
