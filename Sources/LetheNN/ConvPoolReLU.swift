import LetheTensor

/// Conv2d (stride 1) → 2×2 max-pool → ReLU as one layer on channel-major batches: [C, N, H, W] → [K, N, P/2, Q/2].
///
/// Why one layer: for a first convolution the three separate layers spend most of their time moving a full-size
/// activation and its gradient through memory (see `convPoolReLUForward`); fused, only the pooled output and the
/// window winners are stored. Parameters are "NAME.weight" [K, C, R, S] and "NAME.bias" [K], registered and
/// initialised exactly as `Conv2d` does, so checkpoints and seeds are interchangeable with the unfused layers and the
/// output equals Conv2d → MaxPool2d(2) → ReLU (float32 rounding aside: the sums run in another order).
/// Meant for layers with a small C·R·S (direct convolution, no GEMM); larger ones are faster as `Conv2d`.
public final class ConvPoolReLU: Layer {
    public let name: String
    public let inChannels: Int, outChannels: Int, kernelSize: Int, padding: Int
    public var needsInputGradient = true
    public var isParameterized: Bool { true }
    private let parameters: ParameterVector
    private let weight: ParameterVector.Entry, bias: ParameterVector.Entry
    private var geometry: ConvolutionPoolingGeometry?
    /// The forward's zero-bordered input, output and winners, kept for backward (scratch reused across batches).
    private var padded: [Float] = []
    private var winners: [Int32] = []
    private var output = Tensor(shape: [0])

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
        if padded.count < g.paddedCount + g.readSlack {
            padded = [Float](repeating: 0, count: g.paddedCount + g.readSlack)
        }
        if winners.count < g.pooledCount { winners = [Int32](repeating: 0, count: g.pooledCount) }
        let (w, b) = (weight, bias)
        output = Tensor(shape: [outChannels, g.convolution.batch, g.pooledHeight, g.pooledWidth]) { out in
            input.withUnsafePointer { x in
                padded.withUnsafeMutableBufferPointer { xp in
                    padPlanes(x, xp.baseAddress!, g)
                    parameters.values.withUnsafeBufferPointer { theta in
                        winners.withUnsafeMutableBufferPointer { won in
                            convPoolReLUForward(paddedInput: xp.baseAddress!, weight: theta.baseAddress! + w.offset,
                                                bias: theta.baseAddress! + b.offset, output: out.baseAddress!,
                                                winners: won.baseAddress!, geometry: g)
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        guard let g = geometry else { preconditionFailure("\(name).backward called before forward") }
        precondition(dOutput.shape == output.shape, "\(name) gradient shape \(dOutput.shape) does not match its output")
        guard needsInputGradient else {
            accumulateGradients(dOutput, dPaddedInput: nil, g)
            return nil
        }
        var dPadded = [Float](repeating: 0, count: g.paddedCount)
        dPadded.withUnsafeMutableBufferPointer { accumulateGradients(dOutput, dPaddedInput: $0.baseAddress!, g) }
        let c = g.convolution
        return Tensor(shape: [c.channels, c.batch, c.height, c.width]) { dx in
            dPadded.withUnsafeBufferPointer { cropPlanes($0.baseAddress!, dx.baseAddress!, g) }
        }
    }

    private func accumulateGradients(_ dOutput: Tensor, dPaddedInput: UnsafeMutablePointer<Float>?,
                                     _ g: ConvolutionPoolingGeometry) {
        let (w, b) = (weight, bias)
        dOutput.withUnsafePointer { dy in
            output.withUnsafePointer { y in
                padded.withUnsafeBufferPointer { xp in
                    winners.withUnsafeBufferPointer { won in
                        parameters.values.withUnsafeBufferPointer { theta in
                            parameters.gradients.withUnsafeMutableBufferPointer { grad in
                                convPoolReLUBackward(
                                    dOutput: dy, output: y, winners: won.baseAddress!, paddedInput: xp.baseAddress!,
                                    weight: theta.baseAddress! + w.offset, dWeight: grad.baseAddress! + w.offset,
                                    dBias: grad.baseAddress! + b.offset, dPaddedInput: dPaddedInput, geometry: g)
                            }
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
