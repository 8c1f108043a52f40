import Dispatch
import LetheData
import LetheNN
import LetheTensor

/// SimCLR's recipe (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual Representations"),
/// sized for a small CNN on 28×28 grey images: the supervised recipe's optimiser and schedule, SimCLR's views and
/// NT-Xent's temperature.
public struct SimCLRRecipe: Codable, Equatable, Sendable {
    /// Epochs, batch size (images per batch: 2× as many views), SGD settings and schedule; its augmentation is the
    /// view each image is drawn through twice.
    public var training: TrainingRecipe
    /// NT-Xent's τ (SimCLR's small-batch value).
    public var temperature: Float = 0.5

    /// 20 epochs, batch 128 (256 views), SGD lr 0.1 with momentum 0.9 and weight decay 5e-4, cosine to 0, the
    /// `Augmentation.simclr` views, τ = 0.5.
    public init(epochs: Int = 20, batchSize: Int = 128, learningRate: Float = 0.1, temperature: Float = 0.5) {
        training = TrainingRecipe(epochs: epochs, batchSize: batchSize, learningRate: learningRate)
        training.augmentation = .simclr
        self.temperature = temperature
    }
}

public enum SimCLRPretraining {
    /// Pretrains `model` (an encoder with a projection head, e.g. `Architecture.simclr`) in place on the images of
    /// `dataset[positions]`, labels unused: each batch is drawn twice through the recipe's views, both halves run
    /// as one batch of 2B, NT-Xent over the 2B projections. `rng` decides the batch order and the views, so one seed
    /// gives the same weights bit for bit. Summaries carry the mean loss per epoch (accuracy is 0: there is none).
    @discardableResult
    public static func pretrain(
        _ model: Sequential, on dataset: ImageDataset, positions: [Int], recipe: SimCLRRecipe,
        normalization: Normalization = .fashionMNIST, rng: inout SeededGenerator,
        progress: ((TrainingProgress) -> Void)? = nil
    ) -> [EpochSummary] {
        precondition(positions.count >= 2, "SimCLR needs at least two images")
        let training = recipe.training
        var optimizer = training.makeOptimizer()
        let totalSteps = max(1, batches(positions, training.batchSize).count * training.epochs)
        let start = DispatchTime.now().uptimeNanoseconds
        var summaries: [EpochSummary] = []
        var step = 0, seen = 0
        for epoch in 0..<training.epochs {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0, count = 0
            let order = batches(EpochOrder(shuffling: positions, batchSize: training.batchSize, rng: &rng).order,
                                training.batchSize)
            for (index, batchPositions) in order.enumerated() {
                let images = dataset.batch(batchPositions, normalization: normalization).images
                let views = twoViews(of: images, augmentation: training.augmentation, rng: &rng)
                let rate = training.schedule.rate(base: training.learningRate, step: step, totalSteps: totalSteps)
                model.parameters.zeroGradients()
                let projections = model.forward(views, mode: .training).logits
                let loss = ContrastiveLoss.ntXent(views: projections, temperature: recipe.temperature)
                model.backward(dLogits: loss.gradient)
                optimizer.step(model.parameters, learningRate: rate)
                lossSum += Double(loss.loss) * Double(batchPositions.count)
                count += batchPositions.count
                step += 1
                seen += batchPositions.count
                if let progress {
                    let elapsed = Trainer.seconds(since: start)
                    progress(TrainingProgress(epoch: epoch, epochs: training.epochs, batch: index + 1,
                                              batchesPerEpoch: order.count, loss: lossSum / Double(count),
                                              accuracy: 0, samplesPerSecond: Double(seen) / max(elapsed, 1e-9),
                                              elapsedSeconds: elapsed))
                }
            }
            summaries.append(EpochSummary(epoch: epoch + 1, loss: lossSum / Double(max(count, 1)), accuracy: 0,
                                          seconds: Trainer.seconds(since: epochStart)))
        }
        return summaries
    }

    /// The batches of `order` in turn; a last batch of one image has no negatives and is left out (NT-Xent needs
    /// B ≥ 2).
    static func batches(_ order: [Int], _ size: Int) -> [ArraySlice<Int>] {
        EpochOrder(ordered: order, batchSize: size).filter { $0.count >= 2 }
    }

    /// [2B, C, H, W]: rows 0..<B the first view of each image, rows B..<2B the second (NT-Xent's pairing).
    static func twoViews(of images: Tensor, augmentation: Augmentation, rng: inout SeededGenerator) -> Tensor {
        let first = augmentation.view(of: images, rng: &rng)
        let second = augmentation.view(of: images, rng: &rng)
        var shape = images.shape
        shape[0] *= 2
        return Tensor(shape: shape, storage: first.storage + second.storage)
    }
}
