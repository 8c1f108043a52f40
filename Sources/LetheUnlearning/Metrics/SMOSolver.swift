/// libsvm's SMO solver for the C-SVC dual (Fan, Chen & Lin 2005; Chang & Lin, "LIBSVM", §4.1):
///
///     min_α ½ αᵀQα − eᵀα   subject to   yᵀα = 0,  0 ≤ α_i ≤ C_i,
///
/// with Q_ij = y_i y_j K(x_i, x_j). Each step picks the pair (i, j) by second-order working-set selection (WSS2),
/// solves the two-variable sub-problem analytically, clips it to the box and updates the gradient G = Qα − e. It stops
/// when the maximal violation m(α) − M(α) falls below `tolerance`. No shrinking: every step scans all points.
struct SMOSolver {
    /// libsvm's τ: the curvature used where the two-variable quadratic is not strictly convex.
    static let tau = 1e-12

    let kernel: RBFKernelRows
    let upper: [Double]
    let tolerance: Double
    private(set) var alpha: [Double]
    private(set) var gradient: [Double]
    private(set) var iterations = 0

    init(kernel: RBFKernelRows, upper: [Double], tolerance: Double) {
        self.kernel = kernel
        self.upper = upper
        self.tolerance = tolerance
        self.alpha = [Double](repeating: 0, count: kernel.count)
        self.gradient = [Double](repeating: -1, count: kernel.count)
    }

    /// Runs SMO to the tolerance or to libsvm's iteration cap, max(10⁷, 100·n). Returns false if the cap was hit.
    mutating func solve() -> Bool {
        let cap = max(10_000_000, 100 * kernel.count)
        while iterations < cap {
            guard let (i, j) = selectWorkingSet() else { return true }
            iterations += 1
            update(i, j)
        }
        return false
    }

    /// The bias term ρ of f(x) = Σ y_i α_i K(x_i, x) − ρ: the mean of y_i G_i over free α_i, or, without free ones,
    /// the midpoint of the feasible interval (libsvm's `calculate_rho`).
    func rho() -> Double {
        var upperBound = Double.infinity, lowerBound = -Double.infinity, freeSum = 0.0, freeCount = 0
        for i in alpha.indices {
            let y = kernel.signs[i], yG = y * gradient[i]
            if alpha[i] >= upper[i] {
                if y < 0 { upperBound = min(upperBound, yG) } else { lowerBound = max(lowerBound, yG) }
            } else if alpha[i] <= 0 {
                if y > 0 { upperBound = min(upperBound, yG) } else { lowerBound = max(lowerBound, yG) }
            } else {
                freeCount += 1
                freeSum += yG
            }
        }
        return freeCount > 0 ? freeSum / Double(freeCount) : (upperBound + lowerBound) / 2
    }

    /// WSS2: i maximises −y_t G_t over I_up; j minimises the second-order decrease −b²/a over I_low with b > 0.
    /// Returns nil when optimal within `tolerance`.
    private func selectWorkingSet() -> (Int, Int)? {
        let n = kernel.count
        var gMax = -Double.infinity, gMax2 = -Double.infinity, iBest = -1, jBest = -1
        var bestDecrease = Double.infinity
        alpha.withUnsafeBufferPointer { a in
            gradient.withUnsafeBufferPointer { g in
                kernel.signs.withUnsafeBufferPointer { y in
                    upper.withUnsafeBufferPointer { c in
                        for t in 0..<n {
                            if y[t] > 0 {
                                if a[t] < c[t], -g[t] >= gMax { gMax = -g[t]; iBest = t }
                            } else if a[t] > 0, g[t] >= gMax {
                                gMax = g[t]; iBest = t
                            }
                        }
                        guard iBest >= 0 else { return }
                        let row = kernel.row(iBest), yi = y[iBest]
                        row.withUnsafeBufferPointer { q in
                            for t in 0..<n {
                                let violation: Double
                                if y[t] > 0 {
                                    guard a[t] > 0 else { continue }
                                    violation = g[t]
                                } else {
                                    guard a[t] < c[t] else { continue }
                                    violation = -g[t]
                                }
                                gMax2 = max(gMax2, violation)
                                let b = gMax + violation
                                guard b > 0 else { continue }
                                // a_it = K_ii + K_tt − 2 K_it, with K_ii = K_tt = 1 for the RBF kernel.
                                let curvature = 2 - 2 * yi * y[t] * Double(q[t])
                                let decrease = -(b * b) / (curvature > 0 ? curvature : Self.tau)
                                if decrease <= bestDecrease { jBest = t; bestDecrease = decrease }
                            }
                        }
                    }
                }
            }
        }
        if gMax + gMax2 < tolerance || jBest < 0 { return nil }
        return (iBest, jBest)
    }

    /// Solves the sub-problem in (α_i, α_j), clips to the box, and updates G by ΔG = Q_i Δα_i + Q_j Δα_j.
    private mutating func update(_ i: Int, _ j: Int) {
        let qi = kernel.row(i), qj = kernel.row(j)
        let ci = upper[i], cj = upper[j], oldI = alpha[i], oldJ = alpha[j]
        var ai = oldI, aj = oldJ
        let qij = Double(qi[j])
        if kernel.signs[i] != kernel.signs[j] {
            let curvature = 2 + 2 * qij > 0 ? 2 + 2 * qij : Self.tau
            let delta = (-gradient[i] - gradient[j]) / curvature
            let diff = ai - aj
            ai += delta; aj += delta
            if diff > 0 { if aj < 0 { aj = 0; ai = diff } } else if ai < 0 { ai = 0; aj = -diff }
            if diff > ci - cj { if ai > ci { ai = ci; aj = ci - diff } } else if aj > cj { aj = cj; ai = cj + diff }
        } else {
            let curvature = 2 - 2 * qij > 0 ? 2 - 2 * qij : Self.tau
            let delta = (gradient[i] - gradient[j]) / curvature
            let sum = ai + aj
            ai -= delta; aj += delta
            if sum > ci { if ai > ci { ai = ci; aj = sum - ci } } else if aj < 0 { aj = 0; ai = sum }
            if sum > cj { if aj > cj { aj = cj; ai = sum - cj } } else if ai < 0 { ai = 0; aj = sum }
        }
        alpha[i] = ai; alpha[j] = aj
        let di = ai - oldI, dj = aj - oldJ, n = kernel.count
        gradient.withUnsafeMutableBufferPointer { g in
            qi.withUnsafeBufferPointer { rowI in
                qj.withUnsafeBufferPointer { rowJ in
                    for t in 0..<n { g[t] += Double(rowI[t]) * di + Double(rowJ[t]) * dj }
                }
            }
        }
    }
}
