import Foundation
import Testing
@testable import LetheData
import LetheTensor

@Suite struct BatchingTests {
    /// Two 1×2×2 images: [0, 255, 128, 73] and [1, 2, 3, 4]; three samples in all with labels 7, 1, 3.
    let dataset = ImageDataset(images: [0, 255, 128, 73, 1, 2, 3, 4, 9, 9, 9, 9], labels: [7, 1, 3],
                               channels: 1, height: 2, width: 2, classCount: 10)

    @Test func normalisedValuesMatchHandComputation() {
        let (images, labels) = dataset.batch([0, 2], normalization: .fashionMNIST)
        #expect(images.shape == [2, 1, 2, 2])
        #expect(labels == [7, 3])
        // (x/255 − 0.2860)/0.3530 in double precision (python3): 0 → −0.810198, 255 → 2.022663, 128 → 0.611787,
        // 73 → 0.000778.
        let expected: [Float] = [-0.810198, 2.022663, 0.611787, 0.000778]
        for (index, value) in expected.enumerated() {
            #expect(abs(images.storage[index] - value) < 1e-5, "pixel \(index): \(images.storage[index]) vs \(value)")
        }
        let nine = (9.0 / 255.0 - 0.2860) / 0.3530
        #expect(images.storage[4...].allSatisfy { abs(Double($0) - nine) < 1e-5 })
    }

    @Test func unitNormalisationScalesToUnitInterval() {
        let (images, _) = dataset.batch([1], normalization: .unit)
        #expect(images.storage == [1, 2, 3, 4].map { Float($0) / 255 })
    }

    @Test func batchFollowsGivenOrderAndAcceptsSlices() {
        let order = EpochOrder(ordered: [2, 0, 1], batchSize: 2)
        let first = dataset.batch(order[0])
        #expect(first.labels == [3, 7])
        #expect(first.images.storage[0] == Normalization.fashionMNIST.normalize(9))
        #expect(dataset.batch(order[1]).labels == [1])
    }

    @Test func lookupTableEqualsFormulaForEveryByte() {
        let norm = Normalization(mean: 0.5, std: 0.25)
        let byFormula: [Float] = (0...255).map { (Float($0) / 255 - 0.5) / 0.25 }
        #expect(norm.lookupTable == byFormula)
        #expect(norm.black == -2)
    }

    @Test func epochOrderKeepsOrDropsTheLastPartialBatch() {
        var rng = SeededGenerator(seed: 5)
        let keep = EpochOrder(shuffling: Array(100..<110), batchSize: 4, rng: &rng)
        #expect(keep.map(\.count) == [4, 4, 2])
        #expect(keep.flatMap { $0 }.sorted() == Array(100..<110))
        #expect(keep.order != Array(100..<110))
        let drop = EpochOrder(ordered: Array(0..<10), batchSize: 4, dropLast: true)
        #expect(drop.map { Array($0) } == [[0, 1, 2, 3], [4, 5, 6, 7]])
        #expect(EpochOrder(ordered: Array(0..<8), batchSize: 4, dropLast: true).count == 2)
    }

    @Test func epochOrderIsDeterministicBySeed() {
        var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11), c = SeededGenerator(seed: 12)
        let positions = Array(0..<200)
        let first = EpochOrder(shuffling: positions, batchSize: 32, rng: &a).order
        #expect(first == EpochOrder(shuffling: positions, batchSize: 32, rng: &b).order)
        #expect(first != EpochOrder(shuffling: positions, batchSize: 32, rng: &c).order)
    }

    @Test func subsetKeepsIdsLabelsAndPixels() {
        let sub = dataset.subset([2, 0])
        #expect(sub.ids == [2, 0] && sub.labels == [3, 7])
        #expect(sub.images == [9, 9, 9, 9, 0, 255, 128, 73])
        #expect(sub.subset([1]).ids == [0])
        #expect(dataset.indices(ofClass: 3) == [2])
        #expect(dataset.classCounts == [0, 1, 0, 1, 0, 0, 0, 1, 0, 0])
    }
}
