import LetheTensor

/// Max pooling with a square window over each plane of a 4-D tensor ([C, N, H, W] or [N, C, H, W]).
public final class MaxPool2d: Layer {
    public let name: String
    public let size: Int, stride: Int
    public var needsInputGradient = true
    private var geometry: PoolingGeometry?
    private var inputShape: [Int] = []
    private var argmax: [Int32] = []

    public init(_ name: String = "pool", size: Int, stride: Int? = nil) {
        self.name = name
        self.size = size
        self.stride = stride ?? size
    }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4, "\(name) expects a 4-D tensor, got \(input.shape)")
        let g = PoolingGeometry(planes: input.shape[0] * input.shape[1], height: input.shape[2],
                                width: input.shape[3], size: size, stride: stride)
        geometry = g
        inputShape = input.shape
        if argmax.count != g.outputCount { argmax = [Int32](repeating: 0, count: g.outputCount) }
        return Tensor(shape: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth]) { out in
            input.withUnsafePointer { x in
                argmax.withUnsafeMutableBufferPointer { maxPoolForward(x, out.baseAddress!, argmax: $0.baseAddress!, g) }
            }
        }
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        guard let g = geometry else { preconditionFailure("\(name).backward called before forward") }
        precondition(dOutput.count == g.outputCount, "\(name) gradient shape \(dOutput.shape) does not match output")
        guard needsInputGradient else { return nil }
        return Tensor(shape: inputShape) { dx in
            dOutput.withUnsafePointer { dy in
                argmax.withUnsafeBufferPointer { maxPoolBackward(dy, argmax: $0.baseAddress!, dx.baseAddress!, g) }
            }
        }
    }
}

/// Average pooling with a square window over each plane of a 4-D tensor.
public final class AvgPool2d: Layer {
    public let name: String
    public let size: Int, stride: Int
    public var needsInputGradient = true
    private var geometry: PoolingGeometry?
    private var inputShape: [Int] = []

    public init(_ name: String = "avgpool", size: Int, stride: Int? = nil) {
        self.name = name
        self.size = size
        self.stride = stride ?? size
    }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4, "\(name) expects a 4-D tensor, got \(input.shape)")
        let g = PoolingGeometry(planes: input.shape[0] * input.shape[1], height: input.shape[2],
                                width: input.shape[3], size: size, stride: stride)
        geometry = g
        inputShape = input.shape
        return Tensor(shape: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth]) { out in
            input.withUnsafePointer { averagePoolForward($0, out.baseAddress!, g) }
        }
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        guard let g = geometry else { preconditionFailure("\(name).backward called before forward") }
        guard needsInputGradient else { return nil }
        return Tensor(shape: inputShape) { dx in
            dOutput.withUnsafePointer { averagePoolBackward($0, dx.baseAddress!, g) }
        }
    }
}
