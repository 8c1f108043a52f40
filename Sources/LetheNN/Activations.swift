import LetheTensor

/// Rectified linear unit, any shape: y = max(x, 0). Keeps its output for the backward pass.
public final class ReLU: Layer {
    public let name: String
    public var needsInputGradient = true
    private var output = Tensor(shape: [0])

    public init(_ name: String = "relu") { self.name = name }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        output = Tensor(shape: input.shape) { out in
            input.withUnsafePointer { reluForward($0, out.baseAddress!, count: input.count) }
        }
        return output
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        precondition(dOutput.shape == output.shape, "\(name) gradient shape \(dOutput.shape) ≠ \(output.shape)")
        guard needsInputGradient else { return nil }
        return Tensor(shape: output.shape) { dx in
            output.withUnsafePointer { y in
                dOutput.withUnsafePointer { dy in reluBackward(output: y, dy, dx.baseAddress!, count: output.count) }
            }
        }
    }
}

/// Inverted dropout, any shape: in training each element is zeroed with probability p and the rest scaled by
/// 1/(1−p), so evaluation is the identity. Its generator is seeded, so a seeded model trains reproducibly.
public final class Dropout: Layer {
    public let name: String
    public let probability: Float
    public var needsInputGradient = true
    private var rng: SeededGenerator
    private var keep: [Float] = []

    public init(_ name: String = "dropout", probability: Float, seed: UInt64) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1)")
        self.name = name
        self.probability = probability
        self.rng = SeededGenerator(seed: seed)
    }

    public func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        guard mode == .training, probability > 0 else {
            keep = []
            return input
        }
        let scale = 1 / (1 - probability)
        keep = (0..<input.count).map { _ in rng.nextUniform() < probability ? 0 : scale }
        var output = input
        for i in 0..<output.count { output.storage[i] *= keep[i] }
        return output
    }

    public func backward(_ dOutput: Tensor) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard !keep.isEmpty else { return dOutput }
        var dInput = dOutput
        for i in 0..<dInput.count { dInput.storage[i] *= keep[i] }
        return dInput
    }
}
