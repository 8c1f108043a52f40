/// 2-D convolution on the channel-major batch layout [C, N, H, W].
///
/// Why channel-major: with the batch inside the columns, one convolution is a *single* large GEMM,
/// W[K, C·R·S] × col[C·R·S, N·P·Q] = Y[K, N·P·Q], and its result is already [K, N, P, Q] — the next layer's input
/// layout — so no per-sample GEMMs and no transposes between layers. This is what makes 2 cores go fast.
///
/// Letters, fixed throughout: C input channels, K output channels, N batch, H×W input plane, R×S kernel,
/// P×Q output plane. Weights are stored [K, C, R, S] exactly as PyTorch stores them.
public struct ConvolutionGeometry: Equatable, Sendable {
    public let channels: Int, filters: Int
    public let batch: Int, height: Int, width: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let stride: Int, padding: Int

    public init(channels: Int, filters: Int, batch: Int, height: Int, width: Int,
                kernelHeight: Int, kernelWidth: Int, stride: Int = 1, padding: Int = 0) {
        precondition(stride >= 1 && padding >= 0, "stride must be ≥ 1 and padding ≥ 0")
        self.channels = channels; self.filters = filters
        self.batch = batch; self.height = height; self.width = width
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding
        precondition(outputHeight > 0 && outputWidth > 0, "kernel larger than the padded input")
    }

    public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Rows of the column matrix: C·R·S.
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: N·P·Q.
    public var columnCount: Int { batch * outputHeight * outputWidth }
    /// Multiply-adds of one forward pass.
    public var forwardMultiplyAdds: Int { filters * patchSize * columnCount }
    /// Multiply-adds of one forward pass per sample (for GFLOP/s figures).
    public var multiplyAddsPerSample: Int { forwardMultiplyAdds / max(batch, 1) }
}

/// Forward convolution: y[K, N·P·Q] = W[K, C·R·S] · col + b[k]. `col` is scratch of C·R·S × N·P·Q floats and holds
/// the unfolded input afterwards (the backward pass reuses it).
public func conv2dForward(
    input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output y: UnsafeMutablePointer<Float>, columns col: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry
) {
    im2col(x, col, g)
    let n = g.columnCount
    for k in 0..<g.filters { (y + k * n).update(repeating: bias[k], count: n) }
    gemm(transposeA: false, transposeB: false, m: g.filters, n: n, k: g.patchSize,
         a: weight, lda: g.patchSize, b: col, ldb: n, beta: 1, c: y, ldc: n)
}

/// Backward convolution given dY [K, N·P·Q] and the forward pass's `col`.
///
/// Accumulates dW += dY · colᵀ and db += Σ dY; if `dInput` is given, overwrites it with col2im(Wᵀ · dY), using
/// `columns` as scratch (its forward contents are consumed).
public func conv2dBackward(
    dOutput dy: UnsafePointer<Float>, weight: UnsafePointer<Float>, columns col: UnsafeMutablePointer<Float>,
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
    dInput: UnsafeMutablePointer<Float>?, geometry g: ConvolutionGeometry
) {
    let n = g.columnCount
    if g.patchSize < 32 {
        // A first layer (C·R·S = 9 for 3×3 on grey images) makes dW a tiny output with a huge inner dimension,
        // where BLAS is slow; a chunked reduction is many times faster.
        accumulateSkinnyProduct(dy, col, dWeight, m: g.filters, n: g.patchSize, k: n)
    } else {
        gemm(transposeA: false, transposeB: true, m: g.filters, n: g.patchSize, k: n,
             a: dy, lda: n, b: col, ldb: n, beta: 1, c: dWeight, ldc: g.patchSize)
    }
    for k in 0..<g.filters { dBias[k] += sum(dy + k * n, count: n) }
    guard let dInput else { return }
    gemm(transposeA: true, transposeB: false, m: g.patchSize, n: n, k: g.filters,
         a: weight, lda: g.patchSize, b: dy, ldb: n, c: col, ldc: n)
    col2im(col, dInput, g)
}
