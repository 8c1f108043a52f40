import Foundation
import LetheTensor

/// Contrastive losses on L2-normalised features, with gradients with respect to the *raw* (unnormalised) features.
public enum ContrastiveLoss {
    /// InfoNCE with explicit negatives (WSS-CL's stage 2). With z = a/‖a‖, z⁺ = b/‖b‖ and fixed, normalised
    /// negatives z_r (treated as constants: they are detached or sampled from statistics),
    /// ℓ_i = −log( e^{z_i·z⁺_i/τ} / (e^{z_i·z⁺_i/τ} + Σ_r e^{z_i·z_r/τ}) ), L = mean_i ℓ_i.
    ///
    /// - Parameters: anchors [B, D], positives [B, D], negatives [M, D] (raw features, normalised here).
    /// - Returns: the loss and ∂L/∂anchors, ∂L/∂positives (each [B, D]).
    public static func infoNCE(anchors: Tensor, positives: Tensor, negatives: Tensor, temperature: Float)
        -> (loss: Float, dAnchors: Tensor, dPositives: Tensor)
    {
        precondition(anchors.shape == positives.shape, "anchors \(anchors.shape) ≠ positives \(positives.shape)")
        precondition(negatives.rank == 2 && negatives.shape[1] == anchors.shape[1], "negatives must be [M, D]")
        let (b, d, m) = (anchors.shape[0], anchors.shape[1], negatives.shape[0])
        let (z, aNorms) = normalizeRows(anchors)
        let (zPlus, pNorms) = normalizeRows(positives)
        let (zNeg, _) = normalizeRows(negatives)
        var dZ = [Float](repeating: 0, count: b * d), dZPlus = [Float](repeating: 0, count: b * d)
        var total: Double = 0
        var logits = [Float](repeating: 0, count: m + 1)
        for i in 0..<b {
            let zi = Array(z[(i * d)..<((i + 1) * d)])
            logits[0] = dot(zi, zPlus, offset: i * d) / temperature
            for r in 0..<m { logits[r + 1] = dot(zi, zNeg, offset: r * d) / temperature }
            let shift = logits.max()!
            let weights = logits.map { Foundation.exp($0 - shift) }
            let normaliser = weights.reduce(0, +)
            total += Double(-(logits[0] - shift) + Foundation.log(normaliser))
            // ∂ℓ/∂s_k = π_k − [k = positive]; ∂s_k/∂z_i = other_k / τ; ∂s_0/∂z⁺_i = z_i / τ.
            let scale = 1 / (Float(b) * temperature)
            let positiveWeight = weights[0] / normaliser - 1
            for j in 0..<d {
                var g = positiveWeight * zPlus[i * d + j]
                for r in 0..<m { g += weights[r + 1] / normaliser * zNeg[r * d + j] }
                dZ[i * d + j] = g * scale
                dZPlus[i * d + j] = positiveWeight * zi[j] * scale
            }
        }
        let dAnchors = normalizationBackward(z: z, norms: aNorms, dZ: dZ, shape: anchors.shape)
        let dPositives = normalizationBackward(z: zPlus, norms: pNorms, dZ: dZPlus, shape: positives.shape)
        return (Float(total / Double(b)), dAnchors, dPositives)
    }

    /// NT-Xent (SimCLR) over 2B views where rows i and i+B are two views of one sample: with z = normalised rows and
    /// s_ij = z_i·z_j/τ, ℓ_i = −s_{i,p(i)} + log Σ_{j≠i} e^{s_ij}, L = mean over the 2B rows. Every view is
    /// differentiated (there are no fixed negatives).
    ///
    /// - Parameter views: [2B, D] raw features.
    /// - Returns: the loss and ∂L/∂views.
    public static func ntXent(views: Tensor, temperature: Float) -> LossAndGradient {
        precondition(views.rank == 2 && views.shape[0] % 2 == 0 && views.shape[0] >= 4,
                     "NT-Xent needs [2B, D] views with B ≥ 2, got \(views.shape)")
        let (rows, d) = (views.shape[0], views.shape[1])
        let half = rows / 2
        let (z, norms) = normalizeRows(views)
        var dS = [Float](repeating: 0, count: rows * rows)
        var total: Double = 0
        for i in 0..<rows {
            let partner = i < half ? i + half : i - half
            var s = [Float](repeating: -.infinity, count: rows)
            let zi = Array(z[(i * d)..<((i + 1) * d)])
            for j in 0..<rows where j != i { s[j] = dot(zi, z, offset: j * d) / temperature }
            let shift = s.max()!
            let weights = s.map { Foundation.exp($0 - shift) }
            let normaliser = weights.reduce(0, +)
            total += Double(-(s[partner] - shift) + Foundation.log(normaliser))
            for j in 0..<rows where j != i { dS[i * rows + j] = weights[j] / normaliser / Float(rows) }
            dS[i * rows + partner] -= 1 / Float(rows)
        }
        // s_ij depends on z_i and z_j: ∂L/∂z_i = Σ_j (dS_ij + dS_ji) z_j / τ.
        var dZ = [Float](repeating: 0, count: rows * d)
        for i in 0..<rows {
            for j in 0..<rows where j != i {
                let coefficient = (dS[i * rows + j] + dS[j * rows + i]) / temperature
                for k in 0..<d { dZ[i * d + k] += coefficient * z[j * d + k] }
            }
        }
        return LossAndGradient(loss: Float(total / Double(rows)),
                               gradient: normalizationBackward(z: z, norms: norms, dZ: dZ, shape: views.shape))
    }

    /// Rows divided by their L2 norm (a tiny floor keeps all-zero rows finite); returns the norms too. Public for the
    /// encoder probes, which compare features on the same unit sphere the contrastive losses do.
    public static func normalizeRows(_ x: Tensor) -> ([Float], [Float]) {
        let (n, d) = (x.shape[0], x.shape[1])
        var z = x.storage
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var squared: Float = 0
            for j in 0..<d { squared += z[i * d + j] * z[i * d + j] }
            norms[i] = max(squared.squareRoot(), 1e-12)
            for j in 0..<d { z[i * d + j] /= norms[i] }
        }
        return (z, norms)
    }

    /// Back through z = a/‖a‖: ∂L/∂a = (∂L/∂z − z (z·∂L/∂z)) / ‖a‖.
    static func normalizationBackward(z: [Float], norms: [Float], dZ: [Float], shape: [Int]) -> Tensor {
        let (n, d) = (shape[0], shape[1])
        var da = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            var projection: Float = 0
            for j in 0..<d { projection += z[i * d + j] * dZ[i * d + j] }
            for j in 0..<d { da[i * d + j] = (dZ[i * d + j] - z[i * d + j] * projection) / norms[i] }
        }
        return Tensor(shape: shape, storage: da)
    }

    private static func dot(_ a: [Float], _ b: [Float], offset: Int) -> Float {
        var total: Float = 0
        for j in 0..<a.count { total += a[j] * b[offset + j] }
        return total
    }
}
