/// Element-wise kernels and reductions on raw buffers, written as plain loops the compiler vectorises.

/// Σ x[i], accumulated in 8 lanes to keep rounding low and the loop vectorised.
@inlinable
public func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = lanes.sum()
    while i < count { total += x[i]; i += 1 }
    return total
}

/// y = max(x, 0), in place allowed (x == y).
@inlinable
public func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = max(x[i], 0) }
}

/// dx = dy where y > 0, else 0 (uses the forward *output*, so the input need not be kept).
@inlinable
public func reluBackward(output y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                         count: Int) {
    for i in 0..<count { dx[i] = y[i] > 0 ? dy[i] : 0 }
}

extension Tensor {
    /// Index of the largest element of each row of a [rows, columns] tensor (first one on ties).
    public func argmaxRows() -> [Int] {
        precondition(rank == 2, "argmaxRows needs a matrix, got \(shape)")
        let (rows, columns) = (shape[0], shape[1])
        return withUnsafePointer { p in
            (0..<rows).map { r in
                var best = 0
                for c in 1..<columns where p[r * columns + c] > p[r * columns + best] { best = c }
                return best
            }
        }
    }

    /// True when every element is finite (no NaN, no ±∞).
    public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }
}
