import LetheData
import LetheNN
import LetheTensor

/// A model's predictions on some samples, and the figures derived from them.
public struct Evaluation: Sendable {
    /// Predicted class per sample, in the order of the positions evaluated.
    public var predictions: [Int]
    /// True labels, same order.
    public var labels: [Int32]
    /// softmax probability of the true label per sample: the MIA feature (ALGORITHMS.md).
    public var trueLabelProbabilities: [Float]
    public let classCount: Int

    /// Predictions without probabilities (a probe's classes): `trueLabelProbabilities` stays empty.
    public init(predictions: [Int], labels: [Int32], classCount: Int) {
        self.init(predictions: predictions, labels: labels, trueLabelProbabilities: [], classCount: classCount)
    }

    init(predictions: [Int], labels: [Int32], trueLabelProbabilities: [Float], classCount: Int) {
        self.predictions = predictions
        self.labels = labels
        self.trueLabelProbabilities = trueLabelProbabilities
        self.classCount = classCount
    }

    /// Percentage of correct predictions (0 for an empty set).
    public var accuracy: Double {
        guard !labels.isEmpty else { return 0 }
        return 100 * Double(zip(predictions, labels).filter { $0.0 == Int($0.1) }.count) / Double(labels.count)
    }

    /// Accuracy per class (nil for classes without samples).
    public var perClassAccuracy: [Double?] {
        (0..<classCount).map { c in
            let members = labels.indices.filter { Int(labels[$0]) == c }
            guard !members.isEmpty else { return nil }
            return 100 * Double(members.filter { predictions[$0] == c }.count) / Double(members.count)
        }
    }
}

public enum Evaluator {
    /// Runs `model` in evaluation mode over `dataset[positions]` in batches.
    public static func evaluate(_ model: Sequential, on dataset: ImageDataset, positions: [Int],
                                normalization: Normalization = .fashionMNIST, batchSize: Int = 500) -> Evaluation {
        var evaluation = Evaluation(predictions: [], labels: [], trueLabelProbabilities: [], classCount: dataset.classCount)
        evaluation.predictions.reserveCapacity(positions.count)
        for batchPositions in EpochOrder(ordered: positions, batchSize: batchSize) {
            let (images, labels) = dataset.batch(batchPositions, normalization: normalization)
            let logits = model.logits(images)
            let probabilities = logits.softmaxRows()
            let classes = logits.shape[1]
            evaluation.predictions += logits.argmaxRows()
            evaluation.labels += labels
            for (row, label) in labels.enumerated() {
                evaluation.trueLabelProbabilities.append(probabilities.storage[row * classes + Int(label)])
            }
        }
        return evaluation
    }
}
