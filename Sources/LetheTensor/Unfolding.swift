/// im2col and its adjoint col2im, the data movement around a convolution's GEMMs.
///
/// A "same" convolution (stride 1, an output row as wide as an input row: 3×3 with padding 1) has a fast path:
/// one (c, r, s) row of a sample's columns is then the input plane shifted by a constant offset, so it is one long
/// copy (or, in col2im, one long vectorised add) with the few elements that fell across a row edge or outside the
/// image set to zero. Row by row, the same work was one short copy per output row (14 floats for cnn-small's conv2)
/// and ~14 % of a training step, most of it in memmove's call overhead (`perf`, session 17).

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
    let shifted = ShiftedPlanes(g)
    // Items (row (c, r, s), sample n) write disjoint runs of `col`: split them over the workers.
    parallelRanges(g.patchSize * count) { _, items in
        for item in items {
            let (patchRow, local) = (item / count, item % count)
            let n = samples.lowerBound + local
            let c = patchRow / (g.kernelHeight * g.kernelWidth)
            let (r, s) = ((patchRow / g.kernelWidth) % g.kernelHeight, patchRow % g.kernelWidth)
            let image = x + (c * g.batch + n) * plane
            let out = col + patchRow * columns + local * pOut * qOut
            if let shifted {
                shifted.copy(image, into: out, r: r, s: s)
            } else {
                unfoldRows(image, out, r: r, s: s, g)
            }
        }
    }
}

/// The general im2col of one (c, r, s) row of one sample, output row by output row.
private func unfoldRows(_ image: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, r: Int, s: Int,
                        _ g: ConvolutionGeometry) {
    let (pOut, qOut) = (g.outputHeight, g.outputWidth)
    let valid = validColumns(s, g)
    for p in 0..<pOut {
        let h = p * g.stride - g.padding + r
        let row = dst + p * qOut
        guard h >= 0 && h < g.height, !valid.isEmpty else {
            row.update(repeating: 0, count: qOut)
            continue
        }
        let src = image + h * g.width - g.padding + s
        row.update(repeating: 0, count: valid.lowerBound)
        if g.stride == 1 {
            (row + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
        } else {
            for q in valid { row[q] = src[q * g.stride] }
        }
        (row + valid.upperBound).update(repeating: 0, count: qOut - valid.upperBound)
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
/// `col` is scratch: the fast path zeroes its elements that fall outside the image before adding it whole.
public func col2im(_ col: UnsafeMutablePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry,
                   samples: Range<Int>? = nil) {
    let samples = samples ?? 0..<g.batch
    let (pOut, qOut) = (g.outputHeight, g.outputWidth)
    let plane = g.height * g.width
    let (count, columns) = (samples.count, samples.count * pOut * qOut)
    let shifted = ShiftedPlanes(g)
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
                    if let shifted {
                        shifted.add(src, onto: image, r: r, s: s)
                    } else {
                        foldRows(src, image, r: r, s: s, g)
                    }
                }
            }
        }
    }
}

/// The general col2im of one (c, r, s) row of one sample, output row by output row.
private func foldRows(_ src: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>, r: Int, s: Int,
                      _ g: ConvolutionGeometry) {
    let (pOut, qOut) = (g.outputHeight, g.outputWidth)
    let valid = validColumns(s, g)
    for p in 0..<pOut {
        let h = p * g.stride - g.padding + r
        if h < 0 || h >= g.height { continue }
        let dst = image + h * g.width - g.padding + s
        let line = src + p * qOut
        for q in valid { dst[q * g.stride] += line[q] }
    }
}

/// The fast path of a "same" convolution (stride 1, Q = W): an output plane of tap (r, s) is the input plane
/// shifted by (r − pad)·W + (s − pad), over the output rows whose input row exists.
struct ShiftedPlanes {
    let g: ConvolutionGeometry

    /// nil unless the geometry has the fast path.
    init?(_ g: ConvolutionGeometry) {
        guard g.stride == 1 && g.outputWidth == g.width else { return nil }
        self.g = g
    }

    /// Output rows p whose input row p − pad + r lies inside the image.
    @inline(__always)
    func validRows(_ r: Int) -> Range<Int> {
        let low = max(0, g.padding - r), high = min(g.outputHeight, g.height + g.padding - r)
        return low < high ? low..<high : 0..<0
    }

    /// The flat span of output elements copied in one piece: the valid rows, less the leading (or trailing)
    /// elements whose source would lie before (or after) the image; those are outside the valid columns anyway.
    @inline(__always)
    func span(_ rows: Range<Int>, s: Int) -> Range<Int> {
        let q = g.outputWidth
        let (low, high) = (rows.lowerBound * q + max(0, g.padding - s), rows.upperBound * q - max(0, s - g.padding))
        return low < high ? low..<high : low..<low  // empty when every column of the tap is outside the image
    }

    @inline(__always)
    func offset(r: Int, s: Int) -> Int { (r - g.padding) * g.width + (s - g.padding) }

    /// dst [P, Q] = the tap's view of `image`, zero outside it.
    @inline(__always)
    func copy(_ image: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, r: Int, s: Int) {
        let q = g.outputWidth
        let rows = validRows(r)
        guard !rows.isEmpty else { dst.update(repeating: 0, count: g.outputHeight * q); return }
        dst.update(repeating: 0, count: rows.lowerBound * q)
        (dst + rows.upperBound * q).update(repeating: 0, count: (g.outputHeight - rows.upperBound) * q)
        let span = span(rows, s: s)
        (dst + span.lowerBound).update(from: image + span.lowerBound + offset(r: r, s: s), count: span.count)
        zeroInvalidColumns(dst, rows: rows, s: s)
    }

    /// image += the tap's columns `src` [P, Q], whose elements outside the image are first set to zero.
    @inline(__always)
    func add(_ src: UnsafeMutablePointer<Float>, onto image: UnsafeMutablePointer<Float>, r: Int, s: Int) {
        let rows = validRows(r)
        guard !rows.isEmpty else { return }
        zeroInvalidColumns(src, rows: rows, s: s)
        let span = span(rows, s: s)
        let (from, to) = (src + span.lowerBound, image + span.lowerBound + offset(r: r, s: s))
        for i in 0..<span.count { to[i] += from[i] }
    }

    /// Sets the elements of the valid rows whose input column lies outside the image to zero (a row's first or
    /// last `|s − pad|` elements).
    @inline(__always)
    private func zeroInvalidColumns(_ plane: UnsafeMutablePointer<Float>, rows: Range<Int>, s: Int) {
        let q = g.outputWidth
        let valid = validColumns(s, g)
        for p in rows {
            let row = plane + p * q
            for j in 0..<valid.lowerBound { row[j] = 0 }
            for j in valid.upperBound..<q { row[j] = 0 }
        }
    }
}
