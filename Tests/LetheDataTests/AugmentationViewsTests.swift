import LetheTensor
import Testing
@testable import LetheData

/// SimCLR's views: the random resized crop and the brightness–contrast jitter.
@Suite struct AugmentationViewsTests {
    static func batch(_ samples: Int = 6, seed: UInt64 = 5) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [samples, 1, 28, 28], storage: (0..<(samples * 784)).map { _ in rng.nextNormal() })
    }

    @Test func windowsLieInsideTheImageAndCoverAtLeastTheirScaleUpToClamping() {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<500 {
            let w = randomWindow(height: 28, width: 28, minimumScale: 0.35, rng: &rng)
            #expect(w.top >= 0 && w.left >= 0 && w.top + w.height <= 28 && w.left + w.width <= 28)
            // Rounding and the clamp to the image can shrink the area below the drawn fraction; not by half.
            #expect(w.height * w.width >= Int(0.35 * 784 / 2))
        }
    }

    @Test func theWholeWindowResamplesToTheImageItself() {
        let image = Self.batch(1).storage
        var out = [Float](repeating: .nan, count: 784)
        out.withUnsafeMutableBufferPointer { resample(image, window: CropWindow(top: 0, left: 0, height: 28, width: 28),
                                                      into: $0.baseAddress!, height: 28, width: 28) }
        #expect(zip(out, image).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// Bilinear resampling blends neighbours, so every output lies within its sample's input range; a seed fixes
    /// the output and another seed changes it.
    @Test func cropsAreConvexBlendsAndSeeded() {
        let x = Self.batch()
        let step = AugmentationStep.randomResizedCrop(minimumScale: 0.35)
        var (a, b, c) = (x, x, x)
        var (r1, r2, r3) = (SeededGenerator(seed: 7), SeededGenerator(seed: 7), SeededGenerator(seed: 8))
        step.apply(to: &a, rng: &r1)
        step.apply(to: &b, rng: &r2)
        step.apply(to: &c, rng: &r3)
        #expect(a.storage == b.storage && a.storage != c.storage)
        for sample in 0..<6 {
            let (input, output) = (x.storage[(sample * 784)..<((sample + 1) * 784)], a.storage[(sample * 784)..<((sample + 1) * 784)])
            #expect(output.allSatisfy { $0 >= input.min()! - 1e-5 && $0 <= input.max()! + 1e-5 })
        }
    }

    @Test func jitterMovesEachMeanWithinBrightnessAndScalesItsSpreadWithinContrast() {
        let x = Self.batch()
        var none = x, jittered = x
        var rng = SeededGenerator(seed: 3)
        AugmentationStep.brightnessContrast(brightness: 0, contrast: 0).apply(to: &none, rng: &rng)
        #expect(zip(none.storage, x.storage).allSatisfy { abs($0 - $1) < 1e-6 })
        AugmentationStep.brightnessContrast(brightness: 0.4, contrast: 0.4).apply(to: &jittered, rng: &rng)
        func moments(_ t: Tensor, _ sample: Int) -> (mean: Float, spread: Float) {
            let v = t.storage[(sample * 784)..<((sample + 1) * 784)]
            let mean = v.reduce(0, +) / 784
            return (mean, (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 784).squareRoot())
        }
        for sample in 0..<6 {
            let (before, after) = (moments(x, sample), moments(jittered, sample))
            #expect(abs(after.mean - before.mean) <= 0.4 + 1e-4)
            let ratio = after.spread / before.spread
            #expect(ratio >= 0.6 - 1e-4 && ratio <= 1.4 + 1e-4)
        }
        #expect(jittered.storage != x.storage)
    }
}
