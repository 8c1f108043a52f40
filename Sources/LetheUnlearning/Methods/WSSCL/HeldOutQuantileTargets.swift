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
struct HeldOutQuantileTargets {
    /// One target row per forget sample, keyed by its position in the task's training set.
    private let rows: [Int: [Float]]
    let classCount: Int

    /// The held-out data is the task's (`task.heldOut`), else `reference` (a federated client's local test slice).
    /// - Throws: `UnlearningError.invalidConfiguration` when there is neither.
    init(original: Sequential, task: UnlearningTask, reference: HeldOutSamples? = nil, batchSize: Int = 512) throws {
        let source = task.heldOut.isEmpty ? reference : HeldOutSamples(dataset: task.train, positions: task.heldOut)
        guard let source, !source.positions.isEmpty else {
            throw UnlearningError.invalidConfiguration(
                method: MethodName.wssCL.rawValue, reason: "held-out-quantile pseudo-labels need held-out data")
        }
        classCount = task.train.classCount
        let heldOut = Evaluator.evaluate(original, on: source.dataset, positions: source.positions,
                                         normalization: task.normalization, batchSize: batchSize)
        let forget = Self.probabilities(original, dataset: task.train, positions: task.forget,
                                        normalization: task.normalization, batchSize: batchSize)
        let matched = Self.quantileMatched(forget.map { $0.probabilities[Int($0.label)] },
                                           reference: heldOut.trueLabelProbabilities)
        var rows: [Int: [Float]] = [:]
        for (index, sample) in forget.enumerated() {
            rows[task.forget[index]] = Self.target(sample.probabilities, label: Int(sample.label),
                                                   trueProbability: matched[index])
        }
        self.rows = rows
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

    /// The [batch, classes] targets of forget positions.
    func targets(for positions: some Collection<Int>) -> Tensor {
        Tensor(shape: [positions.count, classCount], storage: positions.flatMap { rows[$0]! })
    }

    /// `p` with the true label's mass set to `trueProbability` and the rest rescaled (uniform if p had none).
    static func target(_ p: [Float], label: Int, trueProbability: Float) -> [Float] {
        let others = 1 - p[label]
        var q = p.indices.map { k -> Float in
            guard k != label else { return trueProbability }
            return others > 1e-6 ? p[k] / others * (1 - trueProbability)
                                 : (1 - trueProbability) / Float(p.count - 1)
        }
        let sum = q.reduce(0, +)
        for k in q.indices { q[k] /= sum }
        return q
    }

    /// Whole softmax rows (the `Evaluator` keeps only the true label's probability, all the held-out pass needs).
    static func probabilities(_ model: Sequential, dataset: ImageDataset, positions: [Int],
                              normalization: Normalization,
                              batchSize: Int) -> [(probabilities: [Float], label: Int32)] {
        EpochOrder(ordered: positions, batchSize: batchSize).flatMap { slice in
            let (images, labels) = dataset.batch(slice, normalization: normalization)
            let p = model.logits(images).softmaxRows()
            let classes = p.shape[1]
            return labels.indices.map { i in (Array(p.storage[(i * classes)..<((i + 1) * classes)]), labels[i]) }
        }
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
