import LetheData
import LetheNN
import LetheTensor

/// Weight saliency (SalUn, Fan et al. 2024): how strongly each weight drives the loss on the forget set.
///
/// Scores and mask are separate steps so the federated coordinator can add several clients' scores (weighted by
/// their forget counts) before thresholding once.
public enum Saliency {
    /// Batch size of the score pass: the scores grow with the number of batches (see `scores`).
    public static let batchSize = 256

    /// |g| with g = ∇θ Σ_batches −CE(θ; D_f batch) at the model's current weights, in evaluation mode
    /// (SalUn's code sums the per-batch mean losses' gradients). One score per weight, arena order.
    public static func scores(_ model: Sequential, task: UnlearningTask, positions: [Int]? = nil,
                              batchSize: Int = Saliency.batchSize) -> [Float] {
        let parameters = model.parameters
        parameters.zeroGradients()
        for batchPositions in EpochOrder(ordered: positions ?? task.forget, batchSize: batchSize) {
            let (images, labels) = task.batch(batchPositions)
            let logits = model.forward(images, mode: .evaluation).logits
            // The sign of the loss does not change |g|; the minus keeps SalUn's definition literal.
            var gradient = ClassificationLoss.crossEntropy(logits: logits, labels: labels).gradient
            for i in 0..<gradient.count { gradient.storage[i] = -gradient.storage[i] }
            model.backward(dLogits: gradient)
        }
        let scores = parameters.gradients.map { abs($0) }
        parameters.zeroGradients()
        return scores
    }

    /// The hard mask keeping the top `fraction` of weights by score, over all weights together or per parameter
    /// tensor (`perLayer`).
    public static func mask(scores: [Float], fraction: Double, perLayer: Bool = false,
                            layout: [ParameterVector.Entry]) throws -> WeightMask {
        if perLayer {
            return try WeightMask.topFractionPerSegment(scores, segments: layout.map(\.range), fraction: fraction)
        }
        return try WeightMask.topFraction(scores, fraction: fraction)
    }

    /// Soft saliency: |g| / max|g| as a per-weight gradient multiplier in [0, 1] (a WSS-CL option).
    public static func softScale(scores: [Float]) -> [Float] {
        let peak = scores.max() ?? 0
        guard peak > 0 else { return scores.map { _ in 0 } }
        return scores.map { $0 / peak }
    }
}
