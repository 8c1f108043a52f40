import Dispatch

/// Splits 0..<count into `parts` contiguous ranges and runs them concurrently (memory-bound kernels such as im2col
/// use both cores this way; GEMMs are already threaded by OpenBLAS). Deterministic: each range writes disjoint output.
@inlinable
public func parallelRanges(_ count: Int, parts: Int = ParallelConfiguration.workers,
                           _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    let parts = max(1, min(parts, count))
    if parts == 1 { body(0, 0..<count); return }
    withoutActuallyEscaping(body) { body in
        // The workers write disjoint ranges and `concurrentPerform` joins them before returning, so sharing the
        // closure (and the raw pointers it captures) across threads is safe.
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            shared.value(part, (count * part / parts)..<(count * (part + 1) / parts))
        }
    }
}

/// Carries a value across a concurrency boundary whose safety the caller guarantees (see each use).
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}

/// How many workers memory-bound kernels use; follows the BLAS thread count so `OPENBLAS_NUM_THREADS=1` nodes stay
/// on one core (DECISIONS.md §20).
public enum ParallelConfiguration {
    public static var workers: Int { max(1, BLASThreads.count) }
}

/// C[m, n] += A[m, k] · B[n, k]ᵀ for outputs so small (m·n ≤ a few hundred) and k so long that a BLAS call is slow:
/// a chunked, vectorised reduction split over the workers, each into its own partial sum (added in a fixed order,
/// so results are deterministic).
public func accumulateSkinnyProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                    _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int) {
    let workers = ParallelConfiguration.workers
    var partials = [Float](repeating: 0, count: workers * m * n)
    partials.withUnsafeMutableBufferPointer { partialBuffer in
        let partial = partialBuffer.baseAddress!
        parallelRanges(k, parts: workers) { part, range in
            skinnyProductChunk(a, b, partial + part * m * n, m: m, n: n, k: k, range: range)
        }
        for w in 0..<workers {
            for i in 0..<(m * n) { c[i] += partial[w * m * n + i] }
        }
    }
}

@inlinable
func skinnyProductChunk(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                        m: Int, n: Int, k: Int, range: Range<Int>) {
    let chunk = 512
    var start = range.lowerBound
    while start < range.upperBound {
        let end = min(start + chunk, range.upperBound)
        for i in 0..<m {
            let rowA = a + i * k
            for j in 0..<n {
                let rowB = b + j * k
                var lanes = SIMD8<Float>()
                var p = start
                while p + 8 <= end {
                    let x = UnsafeRawPointer(rowA + p).loadUnaligned(as: SIMD8<Float>.self)
                    let y = UnsafeRawPointer(rowB + p).loadUnaligned(as: SIMD8<Float>.self)
                    lanes.addProduct(x, y)
                    p += 8
                }
                var total = lanes.sum()
                while p < end { total += rowA[p] * rowB[p]; p += 1 }
                out[i * n + j] += total
            }
        }
        start = end
    }
}
