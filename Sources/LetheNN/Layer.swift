import LetheTensor

/// Whether a forward pass is for training (dropout active) or for evaluation.
public enum ForwardMode: Sendable {
    case training, evaluation
}

/// One differentiable step of a model: a forward function and its backward (vector–Jacobian product) side by side.
///
/// Layers keep what their backward needs from the latest forward (inputs, masks, argmax indices), so `backward`
/// must follow the `forward` it differentiates. Parameterised layers read their weights from, and accumulate
/// their gradients into, the model's shared `ParameterVector`.
public protocol Layer: AnyObject {
    /// Name used to prefix this layer's parameters ("conv1" → "conv1.weight").
    var name: String { get }
    /// Output for `input`; shapes are documented per layer.
    func forward(_ input: Tensor, mode: ForwardMode) -> Tensor
    /// Given ∂L/∂output, accumulates ∂L/∂parameters and returns ∂L/∂input (or nil when `needsInputGradient` is off).
    func backward(_ dOutput: Tensor) -> Tensor?
    /// The first layer of a model need not compute ∂L/∂input; turning this off skips that work.
    var needsInputGradient: Bool { get set }
    /// Forward multiply-adds per sample, for GFLOP/s figures.
    var multiplyAddsPerSample: Int { get }
    /// Whether the layer owns weights (layers before the first such layer need no input gradient).
    var isParameterized: Bool { get }
}

extension Layer {
    public var multiplyAddsPerSample: Int { 0 }
    public var isParameterized: Bool { false }
}
