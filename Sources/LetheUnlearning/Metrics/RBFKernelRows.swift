import Foundation

/// Rows of the signed RBF kernel matrix Q_ij = y_i y_j exp(−γ‖x_i − x_j‖²), computed on demand and kept in a
/// least-recently-used cache, as libsvm's `SVC_Q` does (float storage, double arithmetic).
final class RBFKernelRows {
    let points: [Double]   // [n, dimension] row-major
    let dimension: Int
    let gamma: Double
    let signs: [Double]    // y_i ∈ {−1, +1}
    var count: Int { signs.count }

    private var rows: [[Float]] = []
    private var slotOfRow: [Int: Int] = [:]
    private var rowOfSlot: [Int] = []
    private var lastUse: [Int] = []
    private var clock = 0
    private let capacity: Int

    /// - Parameter cacheBytes: memory for cached rows; at least two rows are always kept.
    init(points: [Double], dimension: Int, gamma: Double, signs: [Double], cacheBytes: Int) {
        self.points = points
        self.dimension = dimension
        self.gamma = gamma
        self.signs = signs
        self.capacity = max(2, cacheBytes / max(1, signs.count * MemoryLayout<Float>.stride))
    }

    /// Row i of Q.
    func row(_ i: Int) -> [Float] {
        clock += 1
        if let slot = slotOfRow[i] {
            lastUse[slot] = clock
            return rows[slot]
        }
        let computed = computeRow(i)
        if rows.count < capacity {
            slotOfRow[i] = rows.count
            rows.append(computed); rowOfSlot.append(i); lastUse.append(clock)
        } else {
            let slot = lastUse.indices.min { lastUse[$0] < lastUse[$1] }!
            slotOfRow[rowOfSlot[slot]] = nil
            slotOfRow[i] = slot
            rows[slot] = computed; rowOfSlot[slot] = i; lastUse[slot] = clock
        }
        return computed
    }

    private func computeRow(_ i: Int) -> [Float] {
        let n = count, d = dimension, g = gamma, yi = signs[i]
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            points.withUnsafeBufferPointer { x in
                signs.withUnsafeBufferPointer { y in
                    if d == 1 {
                        let xi = x[i]
                        for j in 0..<n {
                            let diff = xi - x[j]
                            out[j] = Float(yi * y[j] * expNonPositive(-g * diff * diff))
                        }
                    } else {
                        for j in 0..<n {
                            var squared = 0.0
                            for k in 0..<d {
                                let diff = x[i * d + k] - x[j * d + k]
                                squared += diff * diff
                            }
                            out[j] = Float(yi * y[j] * expNonPositive(-g * squared))
                        }
                    }
                }
            }
            initialized = n
        }
    }
}
