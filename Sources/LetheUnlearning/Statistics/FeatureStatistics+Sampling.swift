import LetheTensor

extension FeatureStatistics {
    /// Draws `count` synthetic features: a class c with probability n_c / Σ n (classes with n_c ≤ 0 never), then
    /// h ~ N(μ_c, diag σ²_c). The negatives of WSS-CL's statistics-sampled contrastive stage.
    ///
    /// The same generator state gives the same sample. Per draw: one 53-bit uniform for the class, then one
    /// `nextNormal()` per dimension.
    /// - Returns: features [count, D] and labels [count].
    /// - Throws: `.invalidSampleCount` for count < 0, `.noSamples` when no class has a positive count.
    public func sample(count: Int, rng: inout SeededGenerator) throws(StatisticsError) -> (features: Tensor,
                                                                                          labels: [Int32]) {
        guard count >= 0 else { throw .invalidSampleCount(count) }
        let weights = counts.map { max(0, $0) }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw .noSamples }
        let moments = try classMoments(weights)
        var labels = [Int32](repeating: 0, count: count)
        var storage = [Float](repeating: 0, count: count * dimension)
        for row in 0..<count {
            let c = drawClass(weights, total: total, rng: &rng)
            labels[row] = Int32(c)
            for k in 0..<dimension {
                let z = Double(rng.nextNormal())
                storage[row * dimension + k] = Float(moments[c].mean[k] + moments[c].std[k] * z)
            }
        }
        return (Tensor(shape: [count, dimension], storage: storage), labels)
    }

    /// Mean and standard deviation of each class that can be drawn (others stay empty).
    private func classMoments(_ weights: [Double]) throws(StatisticsError) -> [(mean: [Double], std: [Double])] {
        var result: [(mean: [Double], std: [Double])] = []
        for c in 0..<classCount {
            guard weights[c] > 0 else { result.append(([], [])); continue }
            result.append((try mean(ofClass: c), try variance(ofClass: c).map { $0.squareRoot() }))
        }
        return result
    }

    /// Inverse-CDF draw of a class index with probability weights[c] / total.
    private func drawClass(_ weights: [Double], total: Double, rng: inout SeededGenerator) -> Int {
        let u = Double(rng.next() >> 11) * (1.0 / 9_007_199_254_740_992.0) * total
        var cumulative = 0.0
        for c in 0..<classCount where weights[c] > 0 {
            cumulative += weights[c]
            if u < cumulative { return c }
        }
        return weights.lastIndex { $0 > 0 }!
    }
}
