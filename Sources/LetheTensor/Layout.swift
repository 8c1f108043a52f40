/// Swaps the two outer axes of a 4-D tensor: [A, B, H, W] → [B, A, H, W].
///
/// Used at the edges of the convolutional stack: the model's input arrives [N, C, H, W] and convolutions work on
/// [C, N, H, W] (see `ConvolutionGeometry`); `Flatten` swaps back so features are ordered (c, h, w) as in PyTorch.
public func swapOuterAxes(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "swapOuterAxes needs a 4-D tensor, got \(x.shape)")
    let (a, b, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    if a == 1 || b == 1 { return x.reshaped([b, a, x.shape[2], x.shape[3]]) }
    return Tensor(shape: [b, a, x.shape[2], x.shape[3]]) { out in
        x.withUnsafePointer { src in
            for i in 0..<a {
                for j in 0..<b {
                    (out.baseAddress! + (j * a + i) * plane).update(from: src + (i * b + j) * plane, count: plane)
                }
            }
        }
    }
}

extension Tensor {
    /// Stacks tensors along the first axis; all other extents must agree.
    public static func concatenated(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let tail = Array(parts[0].shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == tail }, "concatenated tensors differ in shape")
        let rows = parts.reduce(0) { $0 + $1.shape[0] }
        var storage: [Float] = []
        storage.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { storage += part.storage }
        return Tensor(shape: [rows] + tail, storage: storage)
    }

    /// Rows `range` of the first axis, as a new tensor.
    public func rows(_ range: Range<Int>) -> Tensor {
        let width = count / max(shape[0], 1)
        return Tensor(shape: [range.count] + shape.dropFirst(),
                      storage: Array(storage[(range.lowerBound * width)..<(range.upperBound * width)]))
    }
}
