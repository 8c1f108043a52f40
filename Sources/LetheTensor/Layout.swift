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
