import LetheTensor

/// Moves a model input from the usual [N, C, H, W] to the channel-major [C, N, H, W] that convolutions use.
/// Free (a reshape) when C = 1, as for Fashion-MNIST.
public final class ChannelMajor: Layer {
    public let name: String
    public var needsInputGradient = true

    public init(_ name: String = "channel_major") { self.name = name }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4, "\(name) expects [N, C, H, W], got \(input.shape)")
        return swapOuterAxes(input)
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        needsInputGradient ? swapOuterAxes(dOutput) : nil
    }
}

/// Flattens channel-major [C, N, H, W] into [N, C·H·W] with features in PyTorch's (c, h, w) order, so a linear
/// layer after it has the same weight layout as `torch.flatten(x, 1)` would give.
public final class Flatten: Layer {
    public let name: String
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init(_ name: String = "flatten") { self.name = name }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4, "\(name) expects channel-major [C, N, H, W], got \(input.shape)")
        inputShape = input.shape
        let (c, n, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        return swapOuterAxes(input).reshaped([n, c * h * w])
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        guard needsInputGradient else { return nil }
        let (c, n, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        return swapOuterAxes(dOutput.reshaped([n, c, h, w]))
    }
}
