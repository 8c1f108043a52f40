import LetheData
import LetheNN
import LetheTensor
import LetheUnlearning
import Testing

/// A small synthetic image set whose classes are learnable: each class lights up its own horizontal band.
func bandImages(count: Int, classes: Int = 4, seed: UInt64) -> ImageDataset {
    var rng = SeededGenerator(seed: seed)
    var images = [UInt8](repeating: 0, count: count * 784)
    var labels = [Int32](repeating: 0, count: count)
    for i in 0..<count {
        let label = i % classes
        labels[i] = Int32(label)
        for pixel in 0..<784 {
            let row = pixel / 28
            let inBand = row / (28 / classes) == label
            images[i * 784 + pixel] = UInt8(min(255, (inBand ? 160 : 20) + rng.nextInt(below: 60)))
        }
    }
    return ImageDataset(images: images, labels: labels, ids: Array(0..<count), channels: 1, height: 28, width: 28,
                        classCount: classes)
}

@Suite struct TrainerTests {
    let data = bandImages(count: 256, seed: 1)

    func trainedWeights(seed: UInt64) -> [Float] {
        let model = Architecture.cnnSmall.build(seed: seed, classes: 4)
        var rng = SeededGenerator(seed: seed)
        Trainer.train(model, on: data, positions: Array(0..<data.count), recipe: TrainingRecipe(epochs: 2, batchSize: 32),
                      rng: &rng)
        return model.parameters.values
    }

    @Test func sameSeedGivesBitIdenticalWeights() {
        let a = trainedWeights(seed: 7), b = trainedWeights(seed: 7), c = trainedWeights(seed: 8)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        #expect(a != c)
    }

    @Test func trainingLearnsASeparableTask() {
        let model = Architecture.cnnSmall.build(seed: 3, classes: 4)
        let positions = Array(0..<data.count)
        let before = Evaluator.evaluate(model, on: data, positions: positions).accuracy
        var rng = SeededGenerator(seed: 3)
        let epochs = Trainer.train(model, on: data, positions: positions,
                                   recipe: TrainingRecipe(epochs: 3, batchSize: 32, learningRate: 0.02), rng: &rng)
        let after = Evaluator.evaluate(model, on: data, positions: positions)
        #expect(epochs.last!.loss < epochs.first!.loss)
        #expect(after.accuracy > 95, "accuracy \(before) → \(after.accuracy)")
        #expect(after.trueLabelProbabilities.count == data.count)
        #expect(after.perClassAccuracy.count == 4)
    }
}
