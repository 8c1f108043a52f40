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

/// Unfolds input patches into columns: col[(c,r,s), (n,p,q)] = x[c, n, p·stride − pad + r, q·stride − pad + s] (0 outside).
///
/// x: [C, N, H, W] → col: [C·R·S, N·P·Q]. Every element of `col` is written. With `samples`, only those samples'
/// columns are unfolded, into col [C·R·S, |samples|·P·Q] (the chunked kernels keep such a slice in cache).
public func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry,
                   samples: Range<Int>? = nil) {
    let samples = samples ?? 0..<g.batch
    let (pOut, qOut) = (g.outputHeight, g.outputWidth)
    let plane = g.height * g.width
    let (count, columns) = (samples.count, samples.count * pOut * qOut)
    // Items (row (c, r, s), sample n) write disjoint runs of `col`: split them over the workers.
    parallelRanges(g.patchSize * count) { _, items in
        for item in items {
            let (patchRow, local) = (item / count, item % count)
            let n = samples.lowerBound + local
            let c = patchRow / (g.kernelHeight * g.kernelWidth)
            let (r, s) = ((patchRow / g.kernelWidth) % g.kernelHeight, patchRow % g.kernelWidth)
            let valid = validColumns(s, g)
            let image = x + (c * g.batch + n) * plane
            let out = col + patchRow * columns + local * pOut * qOut
            for p in 0..<pOut {
                let h = p * g.stride - g.padding + r
                let dst = out + p * qOut
                guard h >= 0 && h < g.height, !valid.isEmpty else {
                    dst.update(repeating: 0, count: qOut)
                    continue
                }
                let src = image + h * g.width - g.padding + s
                dst.update(repeating: 0, count: valid.lowerBound)
                if g.stride == 1 {
                    (dst + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
                } else {
                    for q in valid { dst[q] = src[q * g.stride] }
                }
                (dst + valid.upperBound).update(repeating: 0, count: qOut - valid.upperBound)
            }
        }
    }
}

/// Output columns q whose input column q·stride − pad + s lies inside the image.
@inline(__always)
func validColumns(_ s: Int, _ g: ConvolutionGeometry) -> Range<Int> {
    let offset = g.padding - s  // w = q·stride − offset
    guard g.width - 1 + offset >= 0 else { return 0..<0 }
    let first = offset <= 0 ? 0 : (offset + g.stride - 1) / g.stride
    let last = (g.width - 1 + offset) / g.stride  // largest q with w ≤ W − 1 (floor; offset ≥ −(W−1) here)
    let end = min(g.outputWidth, last + 1)
    return first < end ? first..<end : 0..<0
}

/// Folds columns back onto the input, summing overlaps: the adjoint of `im2col`.
///
/// col: [C·R·S, N·P·Q] → dx: [C, N, H, W]. `dx` is overwritten. With `samples`, col holds only those samples'
/// columns ([C·R·S, |samples|·P·Q], as `im2col(…, samples:)` writes them) and only their planes of dx are written.
public func col2im(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry,
                   samples: Range<Int>? = nil) {
    let samples = samples ?? 0..<g.batch
    let (pOut, qOut) = (g.outputHeight, g.outputWidth)
    let plane = g.height * g.width
    let (count, columns) = (samples.count, samples.count * pOut * qOut)
    // Each (c, n) plane of dx receives only rows of channel c and columns of sample n: planes are independent.
    parallelRanges(g.channels * count) { _, planes in
        for planeIndex in planes {
            let (c, local) = (planeIndex / count, planeIndex % count)
            let image = dx + (c * g.batch + samples.lowerBound + local) * plane
            image.update(repeating: 0, count: plane)
            for r in 0..<g.kernelHeight {
                for s in 0..<g.kernelWidth {
                    let row = col + ((c * g.kernelHeight + r) * g.kernelWidth + s) * columns
                    let src = row + local * pOut * qOut
                    let valid = validColumns(s, g)
                    for p in 0..<pOut {
                        let h = p * g.stride - g.padding + r
                        if h < 0 || h >= g.height { continue }
                        let dst = image + h * g.width - g.padding + s
                        let line = src + p * qOut
                        for q in valid { dst[q * g.stride] += line[q] }
                    }
                }
            }
        }
    }
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
