import LetheTensor

/// What one forward pass of a classifier yields: the logits and the penultimate-layer features.
public struct ModelOutput {
    /// [N, classes]
    public var logits: Tensor
    /// [N, D]: the output of the layer marked as the feature layer (for cnn-small, fc1 after its ReLU).
    public var features: Tensor
}

/// A chain of layers sharing one `ParameterVector`, with a designated feature layer whose output is exposed
/// (unlearning needs penultimate features for contrastive losses, feature statistics and saliency).
public final class Sequential {
    public let layers: [Layer]
    public let parameters: ParameterVector
    /// Index of the layer whose output is `ModelOutput.features`.
    public let featureLayerIndex: Int
    /// A short name of the architecture, written into checkpoints ("cnn-small").
    public let architecture: String
    /// Builds a fresh model of the same architecture and shape from a seed (used by `clone()` and Retrain).
    public let rebuild: @Sendable (UInt64) -> Sequential
    private var headOnly = false

    public init(architecture: String, layers: [Layer], parameters: ParameterVector, featureLayerIndex: Int,
                rebuild: @escaping @Sendable (UInt64) -> Sequential) {
        precondition(layers.indices.contains(featureLayerIndex), "feature layer index out of range")
        self.architecture = architecture
        self.rebuild = rebuild
        self.layers = layers
        self.parameters = parameters
        self.featureLayerIndex = featureLayerIndex
        // Nothing before the first weight needs a gradient: skipping it saves the first convolution's col2im and
        // one GEMM per step.
        for layer in layers {
            layer.needsInputGradient = false
            if layer.isParameterized { break }
        }
    }

    /// An independent model with the same architecture and weights (layers' caches are not shared).
    public func clone() -> Sequential {
        let copy = rebuild(0)
        copy.parameters.values = parameters.values
        return copy
    }

    /// Runs every layer; keeps what `backward` needs.
    public func forward(_ input: Tensor, mode: ForwardMode = .training) -> ModelOutput {
        var x = input
        var features = input
        for (index, layer) in layers.enumerated() {
            x = layer.forward(x, mode: mode)
            if index == featureLayerIndex { features = x }
        }
        return ModelOutput(logits: x, features: features)
    }

    /// Logits only, for evaluation.
    public func logits(_ input: Tensor) -> Tensor { forward(input, mode: .evaluation).logits }

    /// Back-propagates ∂L/∂logits (and optionally ∂L/∂features, added where the features come out) through the
    /// latest forward pass, *accumulating* into `parameters.gradients` (call `zeroGradients()` between steps).
    public func backward(dLogits: Tensor?, dFeatures: Tensor? = nil) {
        precondition(dLogits != nil || dFeatures != nil, "backward needs a gradient")
        var gradient = dLogits
        for index in layers.indices.reversed() {
            if index == featureLayerIndex && headOnly { return }
            if index == featureLayerIndex, let dFeatures {
                gradient = gradient.map { add($0, dFeatures) } ?? dFeatures
            }
            guard let incoming = gradient else { continue }
            if !layers[index].isParameterized && !layers[index].needsInputGradient { return }
            gradient = layers[index].backward(incoming)
            if gradient == nil && index <= featureLayerIndex { return }
        }
    }

    /// The layers after the feature layer (the classifier head) applied to features [N, D]. Training mode keeps
    /// caches for `backwardHead`; this overwrites the head's caches from any earlier full forward pass.
    public func head(_ features: Tensor, mode: ForwardMode = .evaluation) -> Tensor {
        var x = features
        for layer in layers[(featureLayerIndex + 1)...] { x = layer.forward(x, mode: mode) }
        return x
    }

    /// Back-propagates ∂L/∂logits through the head only (after `head(_:mode:)`), accumulating head gradients.
    public func backwardHead(dLogits: Tensor) {
        headOnly = true
        defer { headOnly = false }
        backward(dLogits: dLogits)
    }

    /// Forward multiply-adds per sample, known after one forward pass.
    public var multiplyAddsPerSample: Int { layers.reduce(0) { $0 + $1.multiplyAddsPerSample } }

    private func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "feature gradient shape \(b.shape) ≠ \(a.shape)")
        var sum = a
        for i in 0..<sum.count { sum.storage[i] += b.storage[i] }
        return sum
    }
}
