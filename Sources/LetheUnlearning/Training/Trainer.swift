import Dispatch
import LetheData
import LetheNN
import LetheTensor

/// Supervised training of a model on positions of a dataset, reproducible from one generator.
public enum Trainer {
    /// Trains `model` in place with `recipe` on `dataset[positions]`; `rng` decides the batch order (and
    /// augmentations), so the same seed gives the same weights bit for bit.
    @discardableResult
    public static func train(
        _ model: Sequential, on dataset: ImageDataset, positions: [Int], recipe: TrainingRecipe,
        normalization: Normalization = .fashionMNIST, rng: inout SeededGenerator,
        progress: ((TrainingProgress) -> Void)? = nil
    ) -> [EpochSummary] {
        precondition(!positions.isEmpty, "training needs at least one sample")
        var optimizer = recipe.makeOptimizer()
        let batchesPerEpoch = (positions.count + recipe.batchSize - 1) / recipe.batchSize
        let totalSteps = batchesPerEpoch * recipe.epochs
        let start = DispatchTime.now().uptimeNanoseconds
        var summaries: [EpochSummary] = []
        var step = 0, seen = 0
        for epoch in 0..<recipe.epochs {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            let order = EpochOrder(shuffling: positions, batchSize: recipe.batchSize, rng: &rng)
            var lossSum = 0.0, correct = 0, count = 0
            for (index, batchPositions) in order.enumerated() {
                var (images, labels) = dataset.batch(batchPositions, normalization: normalization)
                recipe.augmentation.apply(to: &images, rng: &rng)
                let rate = recipe.schedule.rate(base: recipe.learningRate, step: step, totalSteps: totalSteps)
                let result = model.trainStep(images: images, labels: labels, optimizer: &optimizer, learningRate: rate)
                lossSum += Double(result.loss) * Double(result.count)
                correct += result.correct
                count += result.count
                step += 1
                seen += result.count
                if let progress {
                    let elapsed = seconds(since: start)
                    progress(TrainingProgress(epoch: epoch, epochs: recipe.epochs, batch: index + 1,
                                              batchesPerEpoch: batchesPerEpoch, loss: lossSum / Double(count),
                                              accuracy: 100 * Double(correct) / Double(count),
                                              samplesPerSecond: Double(seen) / max(elapsed, 1e-9),
                                              elapsedSeconds: elapsed))
                }
            }
            summaries.append(EpochSummary(epoch: epoch + 1, loss: lossSum / Double(count),
                                          accuracy: 100 * Double(correct) / Double(count),
                                          seconds: seconds(since: epochStart)))
        }
        return summaries
    }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
