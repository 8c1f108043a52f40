import LetheNN
import LetheTensor
import LetheTestSupport
import Testing

/// The fused first block against its naive reference, the three separate layers Conv2d → MaxPool2d(2) → ReLU with
/// the same weights, and against finite differences.
@Suite struct ConvPoolReLUTests {
    /// (C, K, H, W, padding): grey and colour inputs, even and odd planes (floor pooling drops the last row/column);
    /// the first three run the direct kernels (C·R·S < 32), the last three the unfolded GEMM ones.
    static let shapes = [(1, 4, 6, 6, 1), (3, 5, 7, 5, 1), (2, 3, 8, 7, 0), (4, 5, 7, 5, 1), (4, 3, 8, 7, 0),
                         (8, 6, 6, 6, 1)]

    struct Pair {
        let fused: ConvPoolReLU, fusedParameters: ParameterVector
        let reference: [Layer], referenceParameters: ParameterVector
    }

    static func pair(_ c: Int, _ k: Int, padding: Int) -> Pair {
        var rngA = SeededGenerator(seed: 9), rngB = SeededGenerator(seed: 9)
        let (pa, pb) = (ParameterVector(), ParameterVector())
        let fused = ConvPoolReLU("block", inChannels: c, outChannels: k, kernelSize: 3, padding: padding,
                                 parameters: pa, rng: &rngA)
        let conv = Conv2d("block", inChannels: c, outChannels: k, kernelSize: 3, padding: padding, parameters: pb,
                          rng: &rngB)
        return Pair(fused: fused, fusedParameters: pa, reference: [conv, MaxPool2d(size: 2), ReLU()],
                    referenceParameters: pb)
    }

    @Test(arguments: shapes) func forwardAndGradientsMatchTheSeparateLayers(shape: (Int, Int, Int, Int, Int)) {
        let (c, k, h, w, padding) = shape
        let pair = Self.pair(c, k, padding: padding)
        #expect(pair.fusedParameters.values == pair.referenceParameters.values, "same initialisation as Conv2d")
        let x = randomTensor([c, 3, h, w], seed: 21)
        let yFused = pair.fused.forward(x, mode: .training)
        let yReference = pair.reference.reduce(x) { $1.forward($0, mode: .training) }
        #expect(yFused.shape == yReference.shape)
        #expect(maxAbsoluteDifference(yFused.storage, yReference.storage) < 1e-5)

        let dy = randomTensor(yFused.shape, seed: 22)
        pair.fusedParameters.zeroGradients()
        pair.referenceParameters.zeroGradients()
        let dxFused = pair.fused.backward(dy)!
        let dxReference = pair.reference.reversed().reduce(dy) { $1.backward($0)! }
        #expect(maxAbsoluteDifference(dxFused.storage, dxReference.storage) < 1e-5)
        let scale = pair.referenceParameters.gradients.map(abs).max()!
        #expect(maxAbsoluteDifference(pair.fusedParameters.gradients, pair.referenceParameters.gradients)
                < 1e-5 * max(1, scale))
    }

    @Test(arguments: [1, 4]) func withoutInputGradientOnlyParametersAccumulate(channels: Int) {
        let pair = Self.pair(channels, 4, padding: 1)
        #expect(pair.fused.isUnfolded == (channels == 4))
        pair.fused.needsInputGradient = false
        let x = randomTensor([channels, 2, 6, 6], seed: 23)
        let y = pair.fused.forward(x, mode: .training)
        pair.fusedParameters.zeroGradients()
        #expect(pair.fused.backward(randomTensor(y.shape, seed: 24)) == nil)
        let once = pair.fusedParameters.gradients
        #expect(once.contains { $0 != 0 })
        _ = pair.fused.backward(randomTensor(y.shape, seed: 24))
        #expect(maxAbsoluteDifference(pair.fusedParameters.gradients, once.map { 2 * $0 }) < 1e-5)
    }

    /// The block is piecewise smooth (window winners and the ReLU switch at ties), so central differences agree only
    /// where no tie lies within ε of the point: ε is small and the seeded inputs are such points (a tie within ε shows
    /// as a handful of mismatching weights while the comparison with the separate layers above still holds).
    @Test(arguments: shapes) func gradientsMatchFiniteDifferences(shape: (Int, Int, Int, Int, Int)) {
        let (c, k, h, w, padding) = shape
        let pair = Self.pair(c, k, padding: padding)
        let mismatches = checkLayerGradients(pair.fused, parameters: pair.fusedParameters,
                                             input: randomTensor([c, 2, h, w], seed: 26), epsilon: 2e-4)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// The unfolded kernels chunk by chunk (chunks of 2, 2 and 1 samples) against the same kernels in one chunk and
    /// against the separate layers: forward, winners, dW, db and dx.
    @Test func unfoldedChunksAgreeWithOneChunkAndTheSeparateLayers() {
        let (c, k, batch) = (4, 5, 5)
        let pair = Self.pair(c, k, padding: 1)
        let x = randomTensor([c, batch, 7, 6], seed: 31)
        let geometry = ConvolutionPoolingGeometry(ConvolutionGeometry(
            channels: c, filters: k, batch: batch, height: 7, width: 6, kernelHeight: 3, kernelWidth: 3, padding: 1))
        let perSample = c * 9 * 7 * 6 * MemoryLayout<Float>.size
        let chunked = UnfoldedPoolingPlan(geometry, cacheBytes: 2 * perSample)
        let whole = UnfoldedPoolingPlan(geometry, cacheBytes: batch * perSample)
        #expect(chunked.chunks == [0..<2, 2..<4, 4..<5] && whole.chunks == [0..<5])
        let dy = randomTensor([k, batch, 3, 3], seed: 32)
        let a = Self.runUnfolded(chunked, x: x, dy: dy, parameters: pair.fusedParameters, weightCount: k * c * 9)
        let b = Self.runUnfolded(whole, x: x, dy: dy, parameters: pair.fusedParameters, weightCount: k * c * 9)
        #expect(a.winners == b.winners)
        #expect(maxAbsoluteDifference(a.y, b.y) < 1e-5 && maxAbsoluteDifference(a.dx, b.dx) < 1e-5)
        #expect(maxAbsoluteDifference(a.gradients, b.gradients) < 1e-5 * max(1, b.gradients.map(abs).max()!))

        let yReference = pair.reference.reduce(x) { $1.forward($0, mode: .training) }
        pair.referenceParameters.zeroGradients()
        let dxReference = pair.reference.reversed().reduce(dy) { $1.backward($0)! }
        #expect(maxAbsoluteDifference(a.y, yReference.storage) < 1e-5)
        #expect(maxAbsoluteDifference(a.dx, dxReference.storage) < 1e-5)
        let scale = pair.referenceParameters.gradients.map(abs).max()!
        #expect(maxAbsoluteDifference(a.gradients, pair.referenceParameters.gradients) < 1e-5 * max(1, scale))
    }

    /// cnn-small's conv2 at batch 128: balanced chunks of 16 under the default 4 MiB bound (18 fit), and one
    /// sample per chunk when not even one fits.
    @Test func unfoldedChunksAreBalanced() {
        let conv2 = ConvolutionPoolingGeometry(ConvolutionGeometry(
            channels: 32, filters: 64, batch: 128, height: 14, width: 14, kernelHeight: 3, kernelWidth: 3, padding: 1))
        #expect(UnfoldedPoolingPlan(conv2).chunks == (0..<8).map { 16 * $0..<16 * ($0 + 1) })
        #expect(UnfoldedPoolingPlan(conv2, cacheBytes: 1).chunks.count == 128)
    }

    /// One forward and backward of the unfolded kernels under `plan`, on fresh buffers.
    static func runUnfolded(_ plan: UnfoldedPoolingPlan, x: Tensor, dy: Tensor, parameters: ParameterVector,
                            weightCount: Int) -> (y: [Float], winners: [Int32], dx: [Float], gradients: [Float]) {
        let g = plan.pooling
        var (y, winners) = ([Float](repeating: 0, count: g.pooledCount), [Int32](repeating: -1, count: g.pooledCount))
        var dx = [Float](repeating: .nan, count: x.storage.count)
        var gradients = [Float](repeating: 0, count: parameters.values.count)
        var (columns, scratch) = ([Float](repeating: 0, count: plan.columnCount),
                                  [Float](repeating: 0, count: plan.outputCount))
        let theta = parameters.values
        convPoolReLUUnfoldedForward(input: x.storage, weight: theta, bias: Array(theta[weightCount...]), output: &y,
                                    winners: &winners, columns: &columns, scratch: &scratch, plan: plan)
        gradients.withUnsafeMutableBufferPointer { grad in
            convPoolReLUUnfoldedBackward(
                dOutput: dy.storage, output: y, winners: winners, input: x.storage, weight: theta,
                dWeight: grad.baseAddress!, dBias: grad.baseAddress! + weightCount, dInput: &dx,
                columns: &columns, scratch: &scratch, plan: plan)
        }
        return (y, winners, dx, gradients)
    }
}
