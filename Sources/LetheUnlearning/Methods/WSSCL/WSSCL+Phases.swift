import LetheData
import LetheNN
import LetheTensor

/// WSS-CL split into the phases the federated protocol runs on different nodes (ARCHITECTURE.md "Data flow"):
/// clients compute saliency scores, the coordinator thresholds them into one mask, forget holders run the
/// forgetting phase, every client reports retained-feature statistics, and forget holders run the contrastive phase
/// against negatives sampled from the merged statistics.
extension WSSCL {
    /// Saliency scores of `task.forget` under `model` (one per weight; see `Saliency.scores`).
    public static func saliencyScores(_ model: Sequential, task: UnlearningTask, positions: [Int]? = nil) -> [Float] {
        Saliency.scores(model, task: task, positions: positions)
    }

    /// Stage 1 on the local forget data, changing only weights in `mask` (nil: all), in place.
    public func forgettingPhase(_ model: Sequential, original: Sequential, task: UnlearningTask, mask: WeightMask?,
                                rng: inout SeededGenerator, progress: PhaseProgress? = nil) throws {
        try runStage1(model, original: original, task: task, rule: WeightUpdateRule(mask: mask), rng: &rng,
                      progress: progress)
        try Steps.checkFinite(model, method: name, phase: "forgetting phase")
    }

    /// Per-class count, Σh and Σh² of the penultimate features of `positions` (the retained data) under `model`.
    public static func featureStatistics(_ model: Sequential, task: UnlearningTask, positions: [Int]) throws
        -> FeatureStatistics
    {
        try FeatureStatistics.of(model, task: task, positions: positions)
    }

    /// Stage 2 on the local forget data with negatives drawn from `statistics` (merged over all clients), changing
    /// only weights in `mask`, in place. Retain rounds use the local retained data (`task.retain`); `original` (the
    /// model the job started from) is their teacher when `retainLoss` is distillation.
    public func contrastivePhase(_ model: Sequential, original: Sequential? = nil, task: UnlearningTask,
                                 statistics: FeatureStatistics, mask: WeightMask?, rng: inout SeededGenerator,
                                 progress: PhaseProgress? = nil) throws {
        try runStage2(model, original: original, task: task, rule: WeightUpdateRule(mask: mask), rng: &rng, progress: progress,
                      givenStatistics: statistics)
        try Steps.checkFinite(model, method: name, phase: "contrastive phase")
    }
}
