import Foundation
import Testing
@testable import LetheData
import LetheTensor

@Suite struct AugmentationTests {
    /// A batch [B, C, 5, 6] of distinct values, so any moved pixel is visible.
    func sampleBatch(samples: Int = 8, channels: Int = 2) -> Tensor {
        let shape = [samples, channels, 5, 6]
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { Float($0) + 1 })
    }

    @Test func flipWithCertaintyReversesRowsAndTwiceIsIdentity() {
        var rng = SeededGenerator(seed: 1)
        let original = Tensor(shape: [1, 1, 2, 3], storage: [1, 2, 3, 4, 5, 6])
        var batch = original
        AugmentationStep.horizontalFlip(probability: 1).apply(to: &batch, rng: &rng)
        #expect(batch.storage == [3, 2, 1, 6, 5, 4])
        AugmentationStep.horizontalFlip(probability: 1).apply(to: &batch, rng: &rng)
        #expect(batch == original)
    }

    @Test func flipWithHalfProbabilityFlipsSomeSamplesOnly() {
        var rng = SeededGenerator(seed: 2)
        let original = sampleBatch(samples: 64, channels: 1)
        var batch = original
        AugmentationStep.horizontalFlip(probability: 0.5).apply(to: &batch, rng: &rng)
        let changed = (0..<64).filter { s in
            let plane = (s * 30)..<((s + 1) * 30)
            return batch.storage[plane] != original.storage[plane]
        }
        #expect(changed.count > 16 && changed.count < 48, "\(changed.count) of 64 flipped")
    }

    @Test func cropWithoutPaddingIsIdentity() {
        var rng = SeededGenerator(seed: 3)
        var batch = sampleBatch()
        AugmentationStep.randomCrop(padding: 0, fill: -9).apply(to: &batch, rng: &rng)
        #expect(batch == sampleBatch())
    }

    /// Every sample must equal its input shifted by one (dy, dx) in −p…p for all channels, with fill elsewhere.
    @Test func cropKeepsShapeAndIsAShiftWithFill() {
        var rng = SeededGenerator(seed: 4)
        let original = sampleBatch()
        var batch = original
        let fill: Float = -0.5
        AugmentationStep.randomCrop(padding: 2, fill: fill).apply(to: &batch, rng: &rng)
        #expect(batch.shape == original.shape)
        var shifted = 0
        for sample in 0..<8 {
            let match = (-2...2).flatMap { dy in (-2...2).map { dx in (dy, dx) } }.first { dy, dx in
                (0..<2).allSatisfy { c in
                    (0..<5).allSatisfy { y in
                        (0..<6).allSatisfy { x in
                            let (sy, sx) = (y + dy, x + dx)
                            let inside = sy >= 0 && sy < 5 && sx >= 0 && sx < 6
                            return batch[sample, c, y, x] == (inside ? original[sample, c, sy, sx] : fill)
                        }
                    }
                }
            }
            #expect(match != nil, "sample \(sample) is not a shifted copy")
            if let match, match != (0, 0) { shifted += 1 }
        }
        #expect(shifted > 0)
    }

    @Test func paddingDefaultsToNormalisedBlack() {
        let step = AugmentationStep.randomCrop(padding: 2, normalization: .fashionMNIST)
        #expect(step == .randomCrop(padding: 2, fill: -0.2860 / 0.3530))
    }

    @Test func sameSeedGivesSameViewAndOtherSeedsDiffer() {
        let pipeline = Augmentation([.randomCrop(padding: 2, fill: 0), .horizontalFlip(probability: 0.5),
                                     .gaussianNoise(std: 0.1)])
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9), c = SeededGenerator(seed: 10)
        let first = pipeline.view(of: sampleBatch(), rng: &a)
        #expect(first == pipeline.view(of: sampleBatch(), rng: &b))
        #expect(first != pipeline.view(of: sampleBatch(), rng: &c))
        #expect(Augmentation.none.view(of: sampleBatch(), rng: &c) == sampleBatch())
    }

    @Test func noiseHasRequestedSpread() {
        var rng = SeededGenerator(seed: 6)
        var batch = Tensor(shape: [16, 1, 28, 28], repeating: 1)
        AugmentationStep.gaussianNoise(std: 0.5).apply(to: &batch, rng: &rng)
        let deltas = batch.storage.map { Double($0) - 1 }
        let mean = deltas.reduce(0, +) / Double(deltas.count)
        let std = (deltas.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(deltas.count)).squareRoot()
        #expect(abs(mean) < 0.02 && abs(std - 0.5) < 0.02, "mean \(mean), std \(std)")
    }

    @Test func configurationRoundTripsThroughJSON() throws {
        let pipeline = Augmentation.contrastive()
        let data = try JSONEncoder().encode(pipeline)
        #expect(try JSONDecoder().decode(Augmentation.self, from: data) == pipeline)
        #expect(pipeline.steps.count == 2)
    }
}
