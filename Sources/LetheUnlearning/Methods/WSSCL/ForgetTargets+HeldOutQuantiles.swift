import LetheData
import LetheNN
import LetheTensor

/// Stage-1 pseudo-labels that make forget samples look *unseen*: each forget sample's target keeps the original
/// model's distribution over the wrong classes, but its true-label probability becomes the original's true-label
/// probability on held-out data (never trained on) at the same quantile.
///
/// Why: for random forgetting, Retrain treats D_f like test data, and both UA and the confidence attack behind
/// MIA-efficacy read the low tail of the true-label probability. The original's forget samples are too confident
/// (memorised); mapping their rank onto the held-out confidence distribution gives the hardest forget samples the
/// targets of the hardest unseen samples (some misclassified, as under Retrain), and leaves easy ones confident.
/// All targets come from the original model, so this is a KL-to-pseudo-labels stage in WSS-CL's sense.
extension ForgetTargets {
    /// The held-out data is the task's (`task.heldOut`), else `reference` (a federated client's local test slice).
    /// - Throws: `UnlearningError.invalidConfiguration` when there is neither.
    static func heldOutQuantiles(original: Sequential, task: UnlearningTask, reference: HeldOutSamples? = nil,
                                 batchSize: Int = 512) throws -> ForgetTargets {
        let source = task.heldOut.isEmpty ? reference : HeldOutSamples(dataset: task.train, positions: task.heldOut)
        guard let source, !source.positions.isEmpty else {
            throw UnlearningError.invalidConfiguration(
                method: MethodName.wssCL.rawValue, reason: "held-out-quantile pseudo-labels need held-out data")
        }
        let heldOut = Evaluator.evaluate(original, on: source.dataset, positions: source.positions,
                                         normalization: task.normalization, batchSize: batchSize)
        let forget = probabilities(original, dataset: task.train, positions: task.forget,
                                   normalization: task.normalization, batchSize: batchSize)
        let matched = quantileMatched(forget.map { $0.probabilities[Int($0.label)] },
                                      reference: heldOut.trueLabelProbabilities)
        return ForgetTargets(task: task, rows: zip(forget, matched).map { sample, probability in
            target(sample.probabilities, label: Int(sample.label), trueProbability: probability)
        })
    }

    /// Each value replaced by the `reference` value at the same quantile (mid-rank; ties keep input order).
    static func quantileMatched(_ values: [Float], reference: [Float]) -> [Float] {
        let sortedReference = reference.sorted()
        let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
        var matched = [Float](repeating: 0, count: values.count)
        for (rank, index) in order.enumerated() {
            let quantile = (Double(rank) + 0.5) / Double(order.count)
            matched[index] = sortedReference[min(sortedReference.count - 1, Int(quantile * Double(sortedReference.count)))]
        }
        return matched
    }
}

/// Samples the model never trained on, from any data set (positions index `dataset`).
public struct HeldOutSamples: Sendable {
    public var dataset: ImageDataset
    public var positions: [Int]
    public init(dataset: ImageDataset, positions: [Int]) {
        self.dataset = dataset
        self.positions = positions
    }
}
