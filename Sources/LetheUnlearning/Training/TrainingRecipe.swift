import LetheData
import LetheNN

/// How a model is trained from scratch: the recipe of the original model and of Retrain (ALGORITHMS.md,
/// DECISIONS.md §12): 10 epochs, SGD lr 0.05, momentum 0.9, weight decay 5e-4, batch 128, cosine to 0.
public struct TrainingRecipe: Codable, Equatable, Sendable {
    public var epochs = 10
    public var batchSize = 128
    public var learningRate: Float = 0.05
    public var momentum: Float = 0.9
    public var weightDecay: Float = 5e-4
    public var nesterov = false
    /// Stepped once per batch over the whole run.
    public var schedule = LearningRateSchedule.cosine(minimum: 0)
    /// Applied to every training batch (none in the reference recipe).
    public var augmentation = Augmentation.none

    public init() {}

    public init(epochs: Int, batchSize: Int = 128, learningRate: Float = 0.05) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
    }

    /// The optimiser this recipe describes.
    public func makeOptimizer() -> SGD {
        SGD(momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
    }
}

/// A report on the way through a long training run (for progress bars and log lines).
public struct TrainingProgress: Sendable {
    public var epoch: Int, epochs: Int
    public var batch: Int, batchesPerEpoch: Int
    /// Running mean loss and accuracy (percent) of the current epoch.
    public var loss: Double, accuracy: Double
    public var samplesPerSecond: Double
    public var elapsedSeconds: Double
    /// Fraction of the whole run done, 0–1.
    public var fractionDone: Double { (Double(epoch) + Double(batch) / Double(max(batchesPerEpoch, 1))) / Double(epochs) }
    public var etaSeconds: Double { fractionDone > 0 ? elapsedSeconds * (1 - fractionDone) / fractionDone : 0 }
}

/// What one epoch achieved on its training data.
public struct EpochSummary: Codable, Sendable {
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var seconds: Double
}
