import LetheData
import LetheNN
import LetheTensor
import Testing
@testable import LetheUnlearning

/// SimCLR pretraining on a small synthetic set, and the two probes that read an encoder.
@Suite struct SimCLRTests {
    let data = bandImages(count: 96, seed: 2)

    func pretrained(seed: UInt64, epochs: Int = 1) -> (Sequential, [EpochSummary]) {
        let encoder = Architecture.simclr.build(seed: seed)
        var rng = SeededGenerator(seed: seed)
        let summaries = SimCLRPretraining.pretrain(encoder, on: data, positions: Array(0..<96),
                                                   recipe: SimCLRRecipe(epochs: epochs, batchSize: 16, learningRate: 0.05),
                                                   rng: &rng)
        return (encoder, summaries)
    }

    @Test func theEncoderSharesCNNSmallsTrunkAndProjects128FeaturesTo64() {
        let (encoder, classifier) = (Architecture.simclr.build(seed: 4), Architecture.cnnSmall.build(seed: 4))
        let trunk = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias"]
        for name in trunk { #expect(encoder.parameters.tensor(named: name)?.storage == classifier.parameters.tensor(named: name)?.storage) }
        let output = encoder.forward(data.batch(0..<3, normalization: .fashionMNIST).images, mode: .evaluation)
        #expect(output.features.shape == [3, 128] && output.logits.shape == [3, 64])
    }

    @Test func oneSeedGivesTheSameEncoderAndTheLossFalls() {
        let (a, summaries) = pretrained(seed: 1, epochs: 3)
        let (b, _) = pretrained(seed: 1, epochs: 3)
        #expect(a.parameters.values == b.parameters.values)
        #expect(summaries.count == 3 && summaries.allSatisfy { $0.loss.isFinite })
        // NT-Xent starts near log(2B − 1) = log 31 ≈ 3.43 for B = 16 and falls as the views of an image align.
        #expect(summaries[2].loss < summaries[0].loss, "\(summaries.map(\.loss))")
    }

    @Test func viewsPairRowIWithRowIPlusB() {
        var rng = SeededGenerator(seed: 1)
        let images = data.batch(0..<4, normalization: .fashionMNIST).images
        let views = SimCLRPretraining.twoViews(of: images, augmentation: .none, rng: &rng)
        #expect(views.shape == [8, 1, 28, 28])
        #expect(Array(views.storage[0..<(4 * 784)]) == images.storage && Array(views.storage[(4 * 784)...]) == images.storage)
    }

    /// Three well-separated Gaussian clusters in 8 dimensions: both probes read them (almost) perfectly.
    @Test func probesClassifySeparableFeatures() {
        var rng = SeededGenerator(seed: 9)
        func cloud(_ n: Int) -> (Tensor, [Int32]) {
            var storage: [Float] = [], labels: [Int32] = []
            for i in 0..<n {
                let c = i % 3
                labels.append(Int32(c))
                storage += (0..<8).map { ($0 == c ? 4 : 0) + rng.nextNormal() * 0.5 }
            }
            return (Tensor(shape: [n, 8], storage: storage), labels)
        }
        let (train, trainLabels) = cloud(300), (test, testLabels) = cloud(90)
        var probeRNG = SeededGenerator(seed: 1)
        var recipe = LinearProbe.Recipe()
        recipe.epochs = 10
        let probe = LinearProbe(features: train, labels: trainLabels, classes: 3, recipe: recipe, rng: &probeRNG)
        #expect(probe.accuracy(features: test, labels: testLabels) >= 97)
        #expect(NearestNeighbourProbe.accuracy(train: train, labels: trainLabels, classes: 3, queries: test,
                                               queryLabels: testLabels) >= 97)
    }

    @Test func largestKeepsTheTopKInOrder() {
        var rng = SeededGenerator(seed: 4)
        let values = (0..<200).map { _ in rng.nextNormal() }
        let top = NearestNeighbourProbe.largest(7, of: values[...])
        let expected = values.enumerated().sorted { $0.element > $1.element }.prefix(7)
        #expect(top.map(\.0) == expected.map(\.offset) && top.map(\.1) == expected.map(\.element))
    }
}
