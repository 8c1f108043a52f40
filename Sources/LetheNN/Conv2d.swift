import Foundation
import LetheTensor

/// 2-D convolution on channel-major batches: [C, N, H, W] → [K, N, P, Q] (see `ConvolutionGeometry` for why).
///
/// Parameters "NAME.weight" [K, C, R, S] and "NAME.bias" [K], initialised as PyTorch does
/// (uniform in ±1/√(C·R·S), i.e. kaiming-uniform with a = √5), so checkpoints and training behave alike.
public final class Conv2d: Layer {
    public let name: String
    public let inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int
    public var needsInputGradient = true
    public var isParameterized: Bool { true }
    private let parameters: ParameterVector
    private let weight: ParameterVector.Entry, bias: ParameterVector.Entry
    private var geometry: ConvolutionGeometry?
    /// im2col scratch, kept between forward and backward and reused across batches.
    private var columns: [Float] = []
    private var lastInputSpatial = (height: 0, width: 0)

    public init(_ name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                parameters: ParameterVector, rng: inout SeededGenerator) {
        self.name = name
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize; self.stride = stride; self.padding = padding
        self.parameters = parameters
        (weight, bias) = Self.registerParameters(name, inChannels: inChannels, outChannels: outChannels,
                                                 kernelSize: kernelSize, parameters: parameters, rng: &rng)
    }

    /// Registers "NAME.weight" [K, C, R, S] and "NAME.bias" [K], uniform in ±1/√(C·R·S) as PyTorch initialises them
    /// (shared with `ConvPoolReLU`, so the fused block starts from the same weights for the same seed).
    static func registerParameters(_ name: String, inChannels: Int, outChannels: Int, kernelSize: Int,
                                   parameters: ParameterVector, rng: inout SeededGenerator)
        -> (weight: ParameterVector.Entry, bias: ParameterVector.Entry)
    {
        let weight = parameters.register("\(name).weight", shape: [outChannels, inChannels, kernelSize, kernelSize])
        let bias = parameters.register("\(name).bias", shape: [outChannels])
        let bound = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
        for i in weight.range { parameters.values[i] = (rng.nextUniform() * 2 - 1) * bound }
        for i in bias.range { parameters.values[i] = (rng.nextUniform() * 2 - 1) * bound }
        return (weight, bias)
    }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[0] == inChannels,
                     "\(name) expects channel-major [\(inChannels), N, H, W], got \(input.shape)")
        let g = ConvolutionGeometry(channels: inChannels, filters: outChannels, batch: input.shape[1],
                                    height: input.shape[2], width: input.shape[3],
                                    kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
        geometry = g
        let needed = g.patchSize * g.columnCount
        if columns.count < needed { columns = [Float](repeating: 0, count: needed) }
        let w = weight, b = bias
        return Tensor(shape: [outChannels, g.batch, g.outputHeight, g.outputWidth]) { out in
            input.withUnsafePointer { x in
                parameters.values.withUnsafeBufferPointer { theta in
                    columns.withUnsafeMutableBufferPointer { col in
                        conv2dForward(input: x, weight: theta.baseAddress! + w.offset, bias: theta.baseAddress! + b.offset,
                                      output: out.baseAddress!, columns: col.baseAddress!, geometry: g)
                    }
                }
            }
        }
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        guard let g = geometry else { preconditionFailure("\(name).backward called before forward") }
        precondition(dOutput.shape == [outChannels, g.batch, g.outputHeight, g.outputWidth],
                     "\(name) gradient shape \(dOutput.shape) does not match its output")
        guard needsInputGradient else {
            accumulateGradients(dOutput, dInput: nil, g)
            return nil
        }
        // col2im writes every element of dInput, so it needs no zero fill.
        return Tensor(shape: [inChannels, g.batch, g.height, g.width]) { dx in
            accumulateGradients(dOutput, dInput: dx.baseAddress!, g)
        }
    }

    /// dW += dY·colᵀ, db += Σ dY and, when asked, dInput = col2im(Wᵀ·dY).
    private func accumulateGradients(_ dOutput: Tensor, dInput: UnsafeMutablePointer<Float>?, _ g: ConvolutionGeometry) {
        let w = weight, b = bias
        dOutput.withUnsafePointer { dy in
            parameters.values.withUnsafeBufferPointer { theta in
                parameters.gradients.withUnsafeMutableBufferPointer { grad in
                    columns.withUnsafeMutableBufferPointer { col in
                        conv2dBackward(dOutput: dy, weight: theta.baseAddress! + w.offset, columns: col.baseAddress!,
                                       dWeight: grad.baseAddress! + w.offset, dBias: grad.baseAddress! + b.offset,
                                       dInput: dInput, geometry: g)
                    }
                }
            }
        }
    }

    /// Multiply-adds per sample for a given input plane (the geometry is known only after a forward pass).
    public var multiplyAddsPerSample: Int {
        geometry?.multiplyAddsPerSample ?? 0
    }
}
