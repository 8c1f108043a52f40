/// A convolution with a large C·R·S (GEMM territory), its 2×2 max-pool and a ReLU, a chunk of samples at a time.
///
/// Why: as separate layers, cnn-small's second convolution unfolds the whole batch into a column matrix of
/// C·R·S × N·P·Q floats (29 MB at N = 128) that leaves the caches before BLAS packs it, writes a full-size output
/// that the pool reads back, and in backward receives a full-size gradient, three quarters zeros, from the pool.
/// Here a chunk of samples (`UnfoldedPoolingPlan.chunk`, sized so its column matrix stays in cache) is unfolded,
/// multiplied, pooled and rectified before the next; only the pooled output and the winners leave. Backward
/// unfolds the chunk again (cheaper than keeping 29 MB), scatters the live gradients into a chunk-sized dY and runs
/// the two GEMMs and the fold on it.
///
/// Winners are offsets inside a P×Q output plane (first maximum on ties, as `maxPoolForward`). dW sums chunk by
/// chunk, so its rounding differs from the one-GEMM `conv2dBackward` (float32 tolerance), and it is fixed by the
/// geometry: results are reproducible on one machine.
public struct UnfoldedPoolingPlan: Equatable, Sendable {
    public let pooling: ConvolutionPoolingGeometry
    /// Samples per chunk.
    public let chunk: Int

    /// `cacheBytes` bounds one chunk's column matrix; chunks are balanced (128 samples of cnn-small's conv2 at the
    /// default: 8 chunks of 16, not 7 of 18 and one of 2). 2, 4 and 8 MiB measured alike on a 2-core EPYC, within
    /// its ±15 % run-to-run noise, and no slower than one chunk of the whole batch (BENCHMARKS.md, session 17).
    public init(_ pooling: ConvolutionPoolingGeometry, cacheBytes: Int = 4 << 20) {
        self.pooling = pooling
        let c = pooling.convolution
        let perSample = c.patchSize * c.outputHeight * c.outputWidth * MemoryLayout<Float>.size
        let largest = max(1, min(c.batch, cacheBytes / max(perSample, 1)))
        let count = (c.batch + largest - 1) / largest
        chunk = (c.batch + count - 1) / count
    }

    /// Floats of column scratch (one chunk's C·R·S × chunk·P·Q).
    public var columnCount: Int { pooling.convolution.patchSize * chunkColumns }
    /// Floats of output scratch (one chunk's K × chunk·P·Q: its convolution output, or its gradient in backward).
    public var outputCount: Int { pooling.convolution.filters * chunkColumns }
    private var chunkColumns: Int { chunk * pooling.convolution.outputHeight * pooling.convolution.outputWidth }

    /// The sample ranges of the chunks, in order.
    public var chunks: [Range<Int>] {
        let batch = pooling.convolution.batch
        return stride(from: 0, to: batch, by: chunk).map { $0..<min($0 + chunk, batch) }
    }
}

/// y [K, N, P/2, Q/2] = relu(maxpool2×2(W ⊛ x + b)) from x [C, N, H, W]; `winners[o]` is the offset of the window's
/// maximum in its P×Q plane. `columns` and `scratch` hold `plan.columnCount` and `plan.outputCount` floats.
public func convPoolReLUUnfoldedForward(
    input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
    columns col: UnsafeMutablePointer<Float>, scratch out: UnsafeMutablePointer<Float>, plan: UnfoldedPoolingPlan
) {
    let g = plan.pooling, c = plan.pooling.convolution
    let (planeSize, pooled) = (c.outputHeight * c.outputWidth, g.pooledHeight * g.pooledWidth)
    for samples in plan.chunks {
        let n = samples.count * planeSize
        im2col(x, col, c, samples: samples)
        // No bias in the GEMM: it is added after the pool, on a quarter of the elements.
        gemm(transposeA: false, transposeB: false, m: c.filters, n: n, k: c.patchSize,
             a: weight, lda: c.patchSize, b: col, ldb: n, c: out, ldc: n)
        parallelRanges(c.filters * samples.count) { _, planes in
            for plane in planes {
                let (k, local) = (plane / samples.count, plane % samples.count)
                let o = (k * c.batch + samples.lowerBound + local) * pooled
                poolReLU(out + plane * planeSize, y + o, winners + o, rowStride: c.outputWidth,
                         pooledHeight: g.pooledHeight, pooledWidth: g.pooledWidth, bias: bias[k])
            }
        }
    }
}

/// Backward of `convPoolReLUUnfoldedForward` given dY [K, N, P/2, Q/2] and the forward's input, output and winners.
///
/// Accumulates dW += dY·colᵀ and db += Σ dY over the windows whose output passed the ReLU; if `dInput` is given,
/// overwrites it [C, N, H, W] with the input gradient. Same scratch as the forward.
public func convPoolReLUUnfoldedBackward(
    dOutput dy: UnsafePointer<Float>, output y: UnsafePointer<Float>, winners: UnsafePointer<Int32>,
    input x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>, dInput: UnsafeMutablePointer<Float>?,
    columns col: UnsafeMutablePointer<Float>, scratch dOut: UnsafeMutablePointer<Float>, plan: UnfoldedPoolingPlan
) {
    let g = plan.pooling, c = plan.pooling.convolution
    let (planeSize, pooled) = (c.outputHeight * c.outputWidth, g.pooledHeight * g.pooledWidth)
    parallelRanges(c.filters) { _, filters in
        for k in filters {
            var db: Float = 0
            for o in (k * c.batch * pooled)..<((k + 1) * c.batch * pooled) where y[o] > 0 { db += dy[o] }
            dBias[k] += db
        }
    }
    for samples in plan.chunks {
        let n = samples.count * planeSize
        im2col(x, col, c, samples: samples)
        parallelRanges(c.filters * samples.count) { _, planes in
            for plane in planes {
                let (k, local) = (plane / samples.count, plane % samples.count)
                let target = dOut + plane * planeSize
                target.update(repeating: 0, count: planeSize)
                let o = (k * c.batch + samples.lowerBound + local) * pooled
                for i in o..<(o + pooled) where y[i] > 0 { target[Int(winners[i])] = dy[i] }
            }
        }
        gemm(transposeA: false, transposeB: true, m: c.filters, n: c.patchSize, k: n,
             a: dOut, lda: n, b: col, ldb: n, beta: 1, c: dWeight, ldc: c.patchSize)
        guard let dInput else { continue }
        gemm(transposeA: true, transposeB: false, m: c.patchSize, n: n, k: c.filters,
             a: weight, lda: c.patchSize, b: dOut, ldb: n, c: col, ldc: n)
        col2im(col, dInput, c, samples: samples)
    }
}
