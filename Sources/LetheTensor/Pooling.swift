/// Max and average pooling over the planes of a [C, N, H, W] (or [N, C, H, W]) tensor: both layouts are a stack
/// of C·N independent H×W planes, so the kernels take the plane count and never care which letter comes first.
///
/// Windows are `size`×`size` with stride `stride` and no padding; the output plane is
/// ⌊(H − size)/stride⌋ + 1 by ⌊(W − size)/stride⌋ + 1, as in PyTorch's default (ceil_mode = false).
public struct PoolingGeometry: Equatable, Sendable {
    public let planes: Int, height: Int, width: Int, size: Int, stride: Int

    public init(planes: Int, height: Int, width: Int, size: Int, stride: Int) {
        precondition(size >= 1 && stride >= 1 && size <= height && size <= width, "bad pooling window")
        self.planes = planes; self.height = height; self.width = width; self.size = size; self.stride = stride
    }

    public var outputHeight: Int { (height - size) / stride + 1 }
    public var outputWidth: Int { (width - size) / stride + 1 }
    public var outputCount: Int { planes * outputHeight * outputWidth }
}

/// Max pooling. `argmax[o]` receives the flat input index of each output's maximum (first one on ties), for backward.
public func maxPoolForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           argmax: UnsafeMutablePointer<Int32>, _ g: PoolingGeometry) {
    if g.size == 2 && g.stride == 2 { return maxPool2x2Forward(x, y, argmax: argmax, g) }
    let (pOut, qOut, plane) = (g.outputHeight, g.outputWidth, g.height * g.width)
    var o = 0
    for c in 0..<g.planes {
        let base = c * plane
        for p in 0..<pOut {
            for q in 0..<qOut {
                var bestIndex = base + (p * g.stride) * g.width + q * g.stride
                var best = x[bestIndex]
                for r in 0..<g.size {
                    let row = base + (p * g.stride + r) * g.width + q * g.stride
                    for s in 0..<g.size where x[row + s] > best {
                        best = x[row + s]
                        bestIndex = row + s
                    }
                }
                y[o] = best
                argmax[o] = Int32(bestIndex)
                o += 1
            }
        }
    }
}

/// The common 2×2, stride-2 case unrolled, split over the workers by plane; same results as the general loop
/// (first maximum wins in the order (0,0), (0,1), (1,0), (1,1)).
func maxPool2x2Forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                       argmax: UnsafeMutablePointer<Int32>, _ g: PoolingGeometry) {
    let (pOut, qOut, w, plane) = (g.outputHeight, g.outputWidth, g.width, g.height * g.width)
    parallelRanges(g.planes) { _, planes in
        for c in planes {
            for p in 0..<pOut {
                let top = c * plane + 2 * p * w
                var o = (c * pOut + p) * qOut
                for q in 0..<qOut {
                    let i0 = top + 2 * q, i2 = i0 + w
                    var best = x[i0], index = i0
                    if x[i0 + 1] > best { best = x[i0 + 1]; index = i0 + 1 }
                    if x[i2] > best { best = x[i2]; index = i2 }
                    if x[i2 + 1] > best { best = x[i2 + 1]; index = i2 + 1 }
                    y[o] = best
                    argmax[o] = Int32(index)
                    o += 1
                }
            }
        }
    }
}

/// Max-pooling backward: routes each output gradient to the input position that won. `dx` is overwritten.
public func maxPoolBackward(_ dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
                            _ dx: UnsafeMutablePointer<Float>, _ g: PoolingGeometry) {
    if g.size == 2 && g.stride == 2 { return maxPool2x2Backward(dy, argmax: argmax, dx, g) }
    dx.update(repeating: 0, count: g.planes * g.height * g.width)
    // Windows never overlap when stride ≥ size, so each plane's outputs touch only that plane: split by plane.
    let perPlane = g.outputHeight * g.outputWidth
    if g.stride >= g.size {
        parallelRanges(g.planes) { _, planes in
            for o in (planes.lowerBound * perPlane)..<(planes.upperBound * perPlane) { dx[Int(argmax[o])] += dy[o] }
        }
    } else {
        for o in 0..<g.outputCount { dx[Int(argmax[o])] += dy[o] }
    }
}

/// The 2×2, stride-2 backward writes every input element exactly once (the gradient where it won, else 0), plane by
/// plane over the workers, instead of a memset followed by a scatter.
func maxPool2x2Backward(_ dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, _ dx: UnsafeMutablePointer<Float>,
                        _ g: PoolingGeometry) {
    let (pOut, qOut, w, plane) = (g.outputHeight, g.outputWidth, g.width, g.height * g.width)
    parallelRanges(g.planes) { _, planes in
        for c in planes {
            let base = dx + c * plane
            // Rows and columns past the last full window (odd extents) receive no gradient.
            if g.height > 2 * pOut { (base + 2 * pOut * w).update(repeating: 0, count: (g.height - 2 * pOut) * w) }
            for p in 0..<pOut {
                let top = c * plane + 2 * p * w
                var o = (c * pOut + p) * qOut
                for q in 0..<qOut {
                    let i0 = top + 2 * q, winner = Int(argmax[o]), gradient = dy[o]
                    dx[i0] = winner == i0 ? gradient : 0
                    dx[i0 + 1] = winner == i0 + 1 ? gradient : 0
                    dx[i0 + w] = winner == i0 + w ? gradient : 0
                    dx[i0 + w + 1] = winner == i0 + w + 1 ? gradient : 0
                    o += 1
                }
                if w > 2 * qOut {
                    dx[top + 2 * qOut] = 0
                    dx[top + w + 2 * qOut] = 0
                }
            }
        }
    }
}

/// Average pooling: each output is the mean of its window.
public func averagePoolForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: PoolingGeometry) {
    let (pOut, qOut, plane) = (g.outputHeight, g.outputWidth, g.height * g.width)
    let scale = 1 / Float(g.size * g.size)
    var o = 0
    for c in 0..<g.planes {
        for p in 0..<pOut {
            for q in 0..<qOut {
                var total: Float = 0
                for r in 0..<g.size {
                    let row = c * plane + (p * g.stride + r) * g.width + q * g.stride
                    for s in 0..<g.size { total += x[row + s] }
                }
                y[o] = total * scale
                o += 1
            }
        }
    }
}

/// Average-pooling backward: spreads each output gradient evenly over its window. `dx` is overwritten.
public func averagePoolBackward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: PoolingGeometry) {
    let (pOut, qOut, plane) = (g.outputHeight, g.outputWidth, g.height * g.width)
    let scale = 1 / Float(g.size * g.size)
    dx.update(repeating: 0, count: g.planes * plane)
    var o = 0
    for c in 0..<g.planes {
        for p in 0..<pOut {
            for q in 0..<qOut {
                let share = dy[o] * scale
                for r in 0..<g.size {
                    let row = c * plane + (p * g.stride + r) * g.width + q * g.stride
                    for s in 0..<g.size { dx[row + s] += share }
                }
                o += 1
            }
        }
    }
}
