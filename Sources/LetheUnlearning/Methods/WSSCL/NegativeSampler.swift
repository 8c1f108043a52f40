import LetheData
import LetheNN
import LetheTensor

/// Where WSS-CL's contrastive negatives come from. Implementations return rows in the contrast space (features or
/// logits) and must be called *before* the forward pass that will be back-propagated (they run the model too).
protocol NegativeSampler {
    mutating func negatives(model: Sequential, count: Int, space: WSSCLConfiguration.Stage2.Space,
                            rng: inout SeededGenerator) -> Tensor
}

/// Real retained samples forwarded through the current model (the centralised form).
struct RetainedSampleNegatives: NegativeSampler {
    let task: UnlearningTask

    mutating func negatives(model: Sequential, count: Int, space: WSSCLConfiguration.Stage2.Space,
                            rng: inout SeededGenerator) -> Tensor {
        precondition(!task.retain.isEmpty, "retained-sample negatives need retained data; use statistics negatives")
        let picks = (0..<min(count, task.retain.count)).map { _ in task.retain[rng.nextInt(below: task.retain.count)] }
        let output = model.forward(task.batch(picks).images, mode: .evaluation)
        return space == .features ? output.features : output.logits
    }
}

/// Features drawn from per-class Gaussians N(μ_c, diag σ²_c) of retained penultimate features, classes in
/// proportion to their counts (the federated form: only these statistics leave the clients). Logits, when asked
/// for, are the classifier head applied to the sampled features.
struct StatisticsNegatives: NegativeSampler {
    let statistics: FeatureStatistics

    mutating func negatives(model: Sequential, count: Int, space: WSSCLConfiguration.Stage2.Space,
                            rng: inout SeededGenerator) -> Tensor {
        // Statistics built from finite features cannot fail to sample; a failure here is a programming error.
        let features = try! statistics.sample(count: count, rng: &rng).features
        return space == .features ? features : model.head(features)
    }
}

extension FeatureStatistics {
    /// Statistics of the penultimate features of `positions` under `model` (evaluation mode).
    static func of(_ model: Sequential, task: UnlearningTask, positions: [Int], batchSize: Int = 500) throws
        -> FeatureStatistics
    {
        try of(model, dataset: task.train, positions: positions, normalization: task.normalization, batchSize: batchSize)
    }

    /// Statistics of the penultimate features of `dataset[positions]` (every class present with zero counts for no
    /// positions, so the result merges neutrally); features are first L2-clipped to `clipNorm` when given (the
    /// sensitivity bound that differential-privacy noise assumes).
    public static func of(_ model: Sequential, dataset: ImageDataset, positions: [Int],
                          normalization: Normalization = .fashionMNIST, batchSize: Int = 500,
                          clipNorm: Float? = nil) throws -> FeatureStatistics
    {
        let dimension = model.forward(dataset.batch(positions.prefix(1).isEmpty ? [0] : [positions[0]],
                                                     normalization: normalization).images,
                                      mode: .evaluation).features.shape[1]
        var statistics = try FeatureStatistics(classCount: dataset.classCount, dimension: dimension)
        for batch in EpochOrder(ordered: positions, batchSize: batchSize) {
            let (images, labels) = dataset.batch(batch, normalization: normalization)
            var features = model.forward(images, mode: .evaluation).features
            if let clipNorm { try FeatureStatistics.clip(&features, toNorm: clipNorm) }
            try statistics.accumulate(features: features, labels: labels)
        }
        return statistics
    }
}
