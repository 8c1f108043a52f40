/// A stride-1 convolution, its 2×2 max-pool and a ReLU in one pass per output plane, for a first layer (few input
/// channels, e.g. C·R·S = 9 for 3×3 on grey images).
///
/// Why: as separate layers, the first convolution of cnn-small writes a [32, N, 28, 28] activation (12.8 MB at
/// N = 128) that the pool reads back, and in backward the pool writes a gradient of the same size, three quarters
/// zeros, that the weight gradient reads again: cache misses, not arithmetic, were ~40 % of a training step
/// (`lethe bench engine --profile`). Here each (k, n) output plane is computed in a buffer that stays in L1
/// (direct convolution: with C·R·S this small a GEMM has nothing to reuse), pooled and rectified at once; only the
/// pooled output and each window's winner leave it. Backward visits only the winners that passed the ReLU, reading
/// the padded input directly, so no column matrix and no full-size gradient exist.
///
/// Same letters as `ConvolutionGeometry` (stride 1); the pooled plane is ⌊P/2⌋ × ⌊Q/2⌋ (PyTorch's floor). The
/// reference these kernels are tested against is `conv2dForward` → `maxPoolForward` → `reluForward` and back.
public struct ConvolutionPoolingGeometry: Equatable, Sendable {
    public let convolution: ConvolutionGeometry

    public init(_ convolution: ConvolutionGeometry) {
        precondition(convolution.stride == 1, "the fused convolution–pooling kernels need stride 1")
        precondition(convolution.outputHeight >= 2 && convolution.outputWidth >= 2, "output too small to pool 2×2")
        self.convolution = convolution
        // Winners are stored as Int32 offsets inside a padded plane.
        precondition(paddedHeight * paddedWidth <= Int(Int32.max), "padded input plane too large")
    }

    public var paddedHeight: Int { convolution.height + 2 * convolution.padding }
    public var paddedWidth: Int { convolution.width + 2 * convolution.padding }
    public var paddedCount: Int { convolution.channels * convolution.batch * paddedHeight * paddedWidth }
    public var pooledHeight: Int { convolution.outputHeight / 2 }
    public var pooledWidth: Int { convolution.outputWidth / 2 }
    /// Floats `convPoolReLUForward` may read past the last padded plane (into unused columns): allocate them.
    public var readSlack: Int { convolution.kernelWidth }
    /// Elements of the pooled output [K, N, P/2, Q/2] (and of the winners).
    public var pooledCount: Int { convolution.filters * convolution.batch * pooledHeight * pooledWidth }
}

/// x [C, N, H, W] → xp [C, N, H + 2·pad, W + 2·pad] with a zero border (every element of `xp` is written).
public func padPlanes(_ x: UnsafePointer<Float>, _ xp: UnsafeMutablePointer<Float>, _ g: ConvolutionPoolingGeometry) {
    let c = g.convolution
    let (hp, wp) = (g.paddedHeight, g.paddedWidth)
    parallelRanges(c.channels * c.batch) { _, planes in
        for plane in planes {
            let dst = xp + plane * hp * wp
            dst.update(repeating: 0, count: c.padding * wp)
            for h in 0..<c.height {
                let row = dst + (h + c.padding) * wp
                row.update(repeating: 0, count: c.padding)
                (row + c.padding).update(from: x + (plane * c.height + h) * c.width, count: c.width)
                (row + c.padding + c.width).update(repeating: 0, count: c.padding)
            }
            (dst + (c.height + c.padding) * wp).update(repeating: 0, count: c.padding * wp)
        }
    }
}

/// y [K, N, P/2, Q/2] = relu(maxpool2×2(W ⊛ x + b)); `winners[o]` is the offset, in its padded input plane, of the
/// top-left corner of the receptive field of the window's maximum (first one on ties, in the order (0,0), (0,1),
/// (1,0), (1,1), as `maxPoolForward`). `xp` needs `g.readSlack` readable floats past its last plane.
///
/// Each output plane is computed with the padded row stride (W + 2·pad columns, the last R − 1 of each row unused),
/// so every tap is one contiguous multiply-add over the whole plane, which vectorises with no per-row overhead;
/// and an output (i, j) then sits at the padded offset of its receptive field's corner. Four filters of one sample
/// are computed together, eight outputs at a time in registers over all taps: each input vector is loaded once for
/// four filters and each output stored once, where a tap at a time loaded and stored the output for every tap.
public func convPoolReLUForward(
    paddedInput xp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>, geometry g: ConvolutionPoolingGeometry
) {
    let c = g.convolution
    let (wp, pooled) = (g.paddedWidth, g.pooledHeight * g.pooledWidth)
    let (paddedPlane, span) = (g.paddedHeight * wp, c.outputHeight * wp)
    let blocks = (c.filters + filterBlock - 1) / filterBlock
    let taps = (0..<(c.kernelHeight * c.kernelWidth)).map { ($0 / c.kernelWidth) * wp + $0 % c.kernelWidth }
    parallelRanges(blocks * c.batch) { _, items in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: filterBlock * span) { buffer in
            taps.withUnsafeBufferPointer { taps in
                let out = buffer.baseAddress!
                for item in items {
                    let (first, n) = (item / c.batch * filterBlock, item % c.batch)
                    let filters = first..<min(first + filterBlock, c.filters)
                    let block = FilterBlock(image: xp + n * paddedPlane, channelStride: c.batch * paddedPlane,
                                            channels: c.channels, taps: taps, span: span)
                    block.convolve(filters, weight: weight, bias: bias, into: out)
                    for (j, k) in filters.enumerated() {
                        let o = (k * c.batch + n) * pooled
                        poolReLU(out + j * span, y + o, winners + o, rowStride: wp,
                                 pooledHeight: g.pooledHeight, pooledWidth: g.pooledWidth, bias: 0)
                    }
                }
            }
        }
    }
}

/// Filters computed together by `convPoolReLUForward`.
private let filterBlock = 4

/// One sample's padded input planes and the tap offsets in them, convolved for a block of filters.
private struct FilterBlock {
    let image: UnsafePointer<Float>, channelStride: Int, channels: Int
    let taps: UnsafeBufferPointer<Int>
    let span: Int

    /// out[j·span + t] = b[k] + Σ_c Σ_tap W[k, c, tap] · image[c][t + tap] for the j-th filter k of `filters`.
    @inline(__always)
    func convolve(_ filters: Range<Int>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                  into out: UnsafeMutablePointer<Float>) {
        let perFilter = channels * taps.count
        guard filters.count == filterBlock else {
            for (j, k) in filters.enumerated() { convolveOne(weight + k * perFilter, bias[k], into: out + j * span) }
            return
        }
        let w = weight + filters.lowerBound * perFilter, b = bias + filters.lowerBound
        var t = 0
        while t + 8 <= span {
            var (a0, a1) = (SIMD8<Float>(repeating: b[0]), SIMD8<Float>(repeating: b[1]))
            var (a2, a3) = (SIMD8<Float>(repeating: b[2]), SIMD8<Float>(repeating: b[3]))
            for channel in 0..<channels {
                let (plane, wc) = (image + channel * channelStride + t, w + channel * taps.count)
                for (i, tap) in taps.enumerated() {
                    let v = UnsafeRawPointer(plane + tap).loadUnaligned(as: SIMD8<Float>.self)
                    a0.addProduct(wc[i], v)
                    a1.addProduct(wc[perFilter + i], v)
                    a2.addProduct(wc[2 * perFilter + i], v)
                    a3.addProduct(wc[3 * perFilter + i], v)
                }
            }
            let row = UnsafeMutableRawPointer(out + t), stride = span * MemoryLayout<Float>.size
            row.storeBytes(of: a0, as: SIMD8<Float>.self)
            row.storeBytes(of: a1, toByteOffset: stride, as: SIMD8<Float>.self)
            row.storeBytes(of: a2, toByteOffset: 2 * stride, as: SIMD8<Float>.self)
            row.storeBytes(of: a3, toByteOffset: 3 * stride, as: SIMD8<Float>.self)
            t += 8
        }
        for j in 0..<filterBlock { tail(from: t, weight: w + j * perFilter, bias: b[j], into: out + j * span) }
    }

    /// One filter over the whole span, a tap at a time (a block's last, short group of filters).
    @inline(__always)
    private func convolveOne(_ w: UnsafePointer<Float>, _ b: Float, into out: UnsafeMutablePointer<Float>) {
        out.update(repeating: b, count: span)
        for channel in 0..<channels {
            let plane = image + channel * channelStride
            for (i, tap) in taps.enumerated() {
                let (wi, src) = (w[channel * taps.count + i], plane + tap)
                for t in 0..<span { out[t] += wi * src[t] }
            }
        }
    }

    /// The last span % 8 outputs of one filter, element by element.
    @inline(__always)
    private func tail(from start: Int, weight w: UnsafePointer<Float>, bias b: Float, into out: UnsafeMutablePointer<Float>) {
        for t in start..<span {
            var sum = b
            for channel in 0..<channels {
                let plane = image + channel * channelStride + t
                for (i, tap) in taps.enumerated() { sum += w[channel * taps.count + i] * plane[tap] }
            }
            out[t] = sum
        }
    }
}

/// 2×2 max-pool then ReLU of one plane stored with `rowStride`, plus a `bias` added after the pool (max(a) + b =
/// max(a + b), so a plane computed without its bias is pooled in the same pass); each window's winner is recorded
/// as its offset in the plane.
@inline(__always)
func poolReLU(_ plane: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ winners: UnsafeMutablePointer<Int32>,
              rowStride: Int, pooledHeight: Int, pooledWidth: Int, bias: Float) {
    for i in 0..<pooledHeight {
        for j in 0..<pooledWidth {
            let i0 = 2 * i * rowStride + 2 * j, i2 = i0 + rowStride
            var best = plane[i0], index = i0
            if plane[i0 + 1] > best { best = plane[i0 + 1]; index = i0 + 1 }
            if plane[i2] > best { best = plane[i2]; index = i2 }
            if plane[i2 + 1] > best { best = plane[i2 + 1]; index = i2 + 1 }
            let o = i * pooledWidth + j
            y[o] = max(best + bias, 0)
            winners[o] = Int32(index)
        }
    }
}

/// Backward of `convPoolReLUForward` given dY [K, N, P/2, Q/2] and the forward's output, winners and padded input.
///
/// Accumulates dW += Σ g · x(receptive field) and db += Σ g over the winners whose output passed the ReLU (g = dY
/// there); if `dPaddedInput` is given, overwrites it [C, N, H + 2·pad, W + 2·pad] with the input gradient (its
/// border holds what fell on the padding; crop with `cropPlanes`). Filters split over the workers for dW, samples
/// for dx: each writes its own outputs in a fixed order, so results are deterministic.
public func convPoolReLUBackward(
    dOutput dy: UnsafePointer<Float>, output y: UnsafePointer<Float>, winners: UnsafePointer<Int32>,
    paddedInput xp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
    dPaddedInput: UnsafeMutablePointer<Float>?, geometry g: ConvolutionPoolingGeometry
) {
    let c = g.convolution
    let (wp, pooled, paddedPlane) = (g.paddedWidth, g.pooledHeight * g.pooledWidth, g.paddedHeight * g.paddedWidth)
    let (rs, patch, perFilter) = (c.kernelHeight * c.kernelWidth, c.patchSize, c.batch * pooled)
    parallelRanges(c.filters) { _, filters in
        // The live winners of one filter over the batch, as (gradient, offset in channel 0's padded planes).
        withUnsafeTemporaryAllocation(of: (Float, Int).self, capacity: perFilter) { live in
            for k in filters {
                var count = 0
                var db: Float = 0
                for n in 0..<c.batch {
                    let base = (k * c.batch + n) * pooled
                    for o in base..<(base + pooled) where y[o] > 0 {
                        live[count] = (dy[o], n * paddedPlane + Int(winners[o]))
                        db += dy[o]
                        count += 1
                    }
                }
                dBias[k] += db
                for channel in 0..<c.channels {
                    let image = xp + channel * c.batch * paddedPlane
                    for r in 0..<c.kernelHeight {
                        for s in 0..<c.kernelWidth {
                            dWeight[k * patch + channel * rs + r * c.kernelWidth + s] +=
                                gatheredDot(live, count: count, image + r * wp + s)
                        }
                    }
                }
            }
        }
    }
    guard let dxp = dPaddedInput else { return }
    parallelRanges(c.batch) { _, samples in
        for n in samples {
            for channel in 0..<c.channels {
                (dxp + (channel * c.batch + n) * paddedPlane).update(repeating: 0, count: paddedPlane)
            }
            for k in 0..<c.filters {
                let base = (k * c.batch + n) * pooled
                for o in base..<(base + pooled) where y[o] > 0 {
                    for channel in 0..<c.channels {
                        let corner = dxp + (channel * c.batch + n) * paddedPlane + Int(winners[o])
                        let taps = weight + (k * c.channels + channel) * rs
                        for r in 0..<c.kernelHeight {
                            for s in 0..<c.kernelWidth { corner[r * wp + s] += dy[o] * taps[r * c.kernelWidth + s] }
                        }
                    }
                }
            }
        }
    }
}

/// Σ_i g_i · image[offset_i] with four partial sums (a single running sum would wait on each addition); fixed
/// order, so deterministic.
@inline(__always)
private func gatheredDot(_ live: UnsafeMutableBufferPointer<(Float, Int)>, count: Int,
                         _ image: UnsafePointer<Float>) -> Float {
    var (a, b, c, d): (Float, Float, Float, Float) = (0, 0, 0, 0)
    var i = 0
    while i + 4 <= count {
        a += live[i].0 * image[live[i].1]
        b += live[i + 1].0 * image[live[i + 1].1]
        c += live[i + 2].0 * image[live[i + 2].1]
        d += live[i + 3].0 * image[live[i + 3].1]
        i += 4
    }
    while i < count { a += live[i].0 * image[live[i].1]; i += 1 }
    return (a + b) + (c + d)
}

/// The interior of padded planes: xp [C, N, H + 2·pad, W + 2·pad] → x [C, N, H, W] (the adjoint of `padPlanes`
/// for gradients, which drop what fell on the zero border).
public func cropPlanes(_ xp: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ g: ConvolutionPoolingGeometry) {
    let c = g.convolution
    let (hp, wp) = (g.paddedHeight, g.paddedWidth)
    parallelRanges(c.channels * c.batch) { _, planes in
        for plane in planes {
            for h in 0..<c.height {
                (x + (plane * c.height + h) * c.width).update(from: xp + plane * hp * wp + (h + c.padding) * wp + c.padding,
                                                              count: c.width)
            }
        }
    }
}
