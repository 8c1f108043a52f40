import LetheData
import LetheNN
import LetheTensor

/// Stage-1 pseudo-labels computed once per forget sample. The original model is fixed, so targets that do not
/// depend on random views need one forward pass over D_f in all, not one per batch of every epoch.
struct ForgetTargets {
    /// One target row per forget sample, keyed by its position in the task's training set.
    private let rows: [Int: [Float]]
    let classCount: Int

    /// One row per forget sample of `task`, in `task.forget`'s order (a position listed twice keeps its last row).
    init(task: UnlearningTask, rows: [[Float]]) {
        self.rows = Dictionary(zip(task.forget, rows), uniquingKeysWith: { _, last in last })
        classCount = task.train.classCount
    }

    /// The original's softmax at `temperature` on each forget sample; with `removingTrueLabel` the true label's
    /// probability goes to the other classes in proportion (the `other-classes` objective).
    static func originalOutputs(_ original: Sequential, task: UnlearningTask, temperature: Float,
                                removingTrueLabel: Bool, batchSize: Int = 512) -> ForgetTargets {
        let forget = probabilities(original, dataset: task.train, positions: task.forget,
                                   normalization: task.normalization, temperature: temperature, batchSize: batchSize)
        return ForgetTargets(task: task, rows: forget.map { sample in
            removingTrueLabel ? target(sample.probabilities, label: Int(sample.label), trueProbability: 0)
                              : sample.probabilities
        })
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

    /// Whole softmax rows (the `Evaluator` keeps only the true label's probability).
    static func probabilities(_ model: Sequential, dataset: ImageDataset, positions: [Int],
                              normalization: Normalization, temperature: Float = 1,
                              batchSize: Int) -> [(probabilities: [Float], label: Int32)] {
        EpochOrder(ordered: positions, batchSize: batchSize).flatMap { slice in
            let (images, labels) = dataset.batch(slice, normalization: normalization)
            let p = model.logits(images).softmaxRows(temperature: temperature)
            let classes = p.shape[1]
            return labels.indices.map { i in (Array(p.storage[(i * classes)..<((i + 1) * classes)]), labels[i]) }
        }
    }
}
