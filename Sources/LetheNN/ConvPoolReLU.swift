import LetheTensor

/// Conv2d (stride 1) → 2×2 max-pool → ReLU as one layer on channel-major batches: [C, N, H, W] → [K, N, P/2, Q/2].
///
/// Why one layer: as three separate layers a convolution block spends much of its time moving a full-size
/// activation and its gradient through memory; fused, only the pooled output and the window winners are stored.
/// Parameters are "NAME.weight" [K, C, R, S] and "NAME.bias" [K], registered and initialised exactly as `Conv2d`
/// does, so checkpoints and seeds are interchangeable with the unfused layers and the output equals Conv2d →
/// MaxPool2d(2) → ReLU (float32 rounding aside: the sums run in another order).
///
/// Two kernels, chosen by C·R·S: a small one (a first layer on grey images: 9) has nothing for a GEMM to reuse and
/// runs as a direct convolution over zero-bordered planes (`convPoolReLUForward`); a larger one runs through GEMM a
/// cache-sized chunk of samples at a time (`convPoolReLUUnfoldedForward`).
public final class ConvPoolReLU: Layer {
    /// C·R·S from which the unfolded GEMM kernels beat the direct ones (cnn-small: 9 direct, 288 unfolded).
    public static let unfoldedFromPatchSize = 32

    public let name: String
    public let inChannels: Int, outChannels: Int, kernelSize: Int, padding: Int
    public var needsInputGradient = true
    public var isParameterized: Bool { true }
    private let parameters: ParameterVector
    private let weight: ParameterVector.Entry, bias: ParameterVector.Entry
    private var geometry: ConvolutionPoolingGeometry?
    /// What backward needs from the forward (scratch reused across batches): the direct kernels' zero-bordered
    /// input, or the unfolded kernels' input and chunk buffers; the output and winners for both.
    private var padded: [Float] = []
    private var input = Tensor(shape: [0])
    private var columns: [Float] = [], chunkScratch: [Float] = []
    private var winners: [Int32] = []
    private var output = Tensor(shape: [0])

    /// Whether this block runs the unfolded GEMM kernels.
    public var isUnfolded: Bool { inChannels * kernelSize * kernelSize >= Self.unfoldedFromPatchSize }

    public init(_ name: String, inChannels: Int, outChannels: Int, kernelSize: Int, padding: Int = 0,
                parameters: ParameterVector, rng: inout SeededGenerator) {
        self.name = name
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize; self.padding = padding
        self.parameters = parameters
        (weight, bias) = Conv2d.registerParameters(name, inChannels: inChannels, outChannels: outChannels,
                                                   kernelSize: kernelSize, parameters: parameters, rng: &rng)
    }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[0] == inChannels,
                     "\(name) expects channel-major [\(inChannels), N, H, W], got \(input.shape)")
        let g = ConvolutionPoolingGeometry(ConvolutionGeometry(
            channels: inChannels, filters: outChannels, batch: input.shape[1], height: input.shape[2],
            width: input.shape[3], kernelHeight: kernelSize, kernelWidth: kernelSize, padding: padding))
        geometry = g
        // The unfolded backward unfolds its input again, chunk by chunk (a reference: no copy).
        if isUnfolded { self.input = input }
        if winners.count < g.pooledCount { winners = [Int32](repeating: 0, count: g.pooledCount) }
        output = Tensor(shape: [outChannels, g.convolution.batch, g.pooledHeight, g.pooledWidth]) { out in
            input.withUnsafePointer { x in
                if isUnfolded { forwardUnfolded(x, out.baseAddress!, g) } else { forwardDirect(x, out.baseAddress!, g) }
            }
        }
        return output
    }

    private func forwardDirect(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                               _ g: ConvolutionPoolingGeometry) {
        if padded.count < g.paddedCount + g.readSlack {
            padded = [Float](repeating: 0, count: g.paddedCount + g.readSlack)
        }
        let (w, b) = (weight, bias)
        padded.withUnsafeMutableBufferPointer { xp in
            padPlanes(x, xp.baseAddress!, g)
            parameters.values.withUnsafeBufferPointer { theta in
                winners.withUnsafeMutableBufferPointer { won in
                    convPoolReLUForward(paddedInput: xp.baseAddress!, weight: theta.baseAddress! + w.offset,
                                        bias: theta.baseAddress! + b.offset, output: y,
                                        winners: won.baseAddress!, geometry: g)
                }
            }
        }
    }

    private func forwardUnfolded(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                 _ g: ConvolutionPoolingGeometry) {
        let plan = UnfoldedPoolingPlan(g)
        if columns.count < plan.columnCount { columns = [Float](repeating: 0, count: plan.columnCount) }
        if chunkScratch.count < plan.outputCount { chunkScratch = [Float](repeating: 0, count: plan.outputCount) }
        let (w, b) = (weight, bias)
        parameters.values.withUnsafeBufferPointer { theta in
            winners.withUnsafeMutableBufferPointer { won in
                columns.withUnsafeMutableBufferPointer { col in
                    chunkScratch.withUnsafeMutableBufferPointer { scratch in
                        convPoolReLUUnfoldedForward(
                            input: x, weight: theta.baseAddress! + w.offset, bias: theta.baseAddress! + b.offset,
                            output: y, winners: won.baseAddress!, columns: col.baseAddress!,
                            scratch: scratch.baseAddress!, plan: plan)
                    }
                }
            }
        }
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        guard let g = geometry else { preconditionFailure("\(name).backward called before forward") }
        precondition(dOutput.shape == output.shape, "\(name) gradient shape \(dOutput.shape) does not match its output")
        let c = g.convolution
        if isUnfolded {
            guard needsInputGradient else { backwardUnfolded(dOutput, dInput: nil, g); return nil }
            // The fold writes every element of dInput.
            return Tensor(shape: [c.channels, c.batch, c.height, c.width]) { dx in
                backwardUnfolded(dOutput, dInput: dx.baseAddress!, g)
            }
        }
        guard needsInputGradient else {
            backwardDirect(dOutput, dPaddedInput: nil, g)
            return nil
        }
        var dPadded = [Float](repeating: 0, count: g.paddedCount)
        dPadded.withUnsafeMutableBufferPointer { backwardDirect(dOutput, dPaddedInput: $0.baseAddress!, g) }
        return Tensor(shape: [c.channels, c.batch, c.height, c.width]) { dx in
            dPadded.withUnsafeBufferPointer { cropPlanes($0.baseAddress!, dx.baseAddress!, g) }
        }
    }

    private func backwardDirect(_ dOutput: Tensor, dPaddedInput: UnsafeMutablePointer<Float>?,
                                _ g: ConvolutionPoolingGeometry) {
        let (w, b) = (weight, bias)
        withGradientBuffers(dOutput) { dy, y, won, theta, grad in
            padded.withUnsafeBufferPointer { xp in
                convPoolReLUBackward(
                    dOutput: dy, output: y, winners: won, paddedInput: xp.baseAddress!, weight: theta + w.offset,
                    dWeight: grad + w.offset, dBias: grad + b.offset, dPaddedInput: dPaddedInput, geometry: g)
            }
        }
    }

    private func backwardUnfolded(_ dOutput: Tensor, dInput: UnsafeMutablePointer<Float>?,
                                  _ g: ConvolutionPoolingGeometry) {
        let (w, b) = (weight, bias)
        withGradientBuffers(dOutput) { dy, y, won, theta, grad in
            input.withUnsafePointer { x in
                columns.withUnsafeMutableBufferPointer { col in
                    chunkScratch.withUnsafeMutableBufferPointer { scratch in
                        convPoolReLUUnfoldedBackward(
                            dOutput: dy, output: y, winners: won, input: x, weight: theta + w.offset,
                            dWeight: grad + w.offset, dBias: grad + b.offset, dInput: dInput,
                            columns: col.baseAddress!, scratch: scratch.baseAddress!, plan: UnfoldedPoolingPlan(g))
                    }
                }
            }
        }
    }

    /// The buffers both backward kernels read and write: dY, the forward's output and winners, θ and ∇θ.
    private func withGradientBuffers(
        _ dOutput: Tensor,
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Int32>, UnsafePointer<Float>,
                 UnsafeMutablePointer<Float>) -> Void
    ) {
        dOutput.withUnsafePointer { dy in
            output.withUnsafePointer { y in
                winners.withUnsafeBufferPointer { won in
                    parameters.values.withUnsafeBufferPointer { theta in
                        parameters.gradients.withUnsafeMutableBufferPointer { grad in
                            body(dy, y, won.baseAddress!, theta.baseAddress!, grad.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// Multiply-adds per sample of the convolution (the pooling's comparisons are not counted).
    public var multiplyAddsPerSample: Int {
        geometry?.convolution.multiplyAddsPerSample ?? 0
    }
}
