import LetheTensor

/// Model architectures Lethe knows by name.
public enum Architecture: String, CaseIterable, Codable, Sendable {
    /// conv(1→32, 3×3, pad 1)–ReLU–maxpool 2 → conv(32→64, 3×3, pad 1)–ReLU–maxpool 2 → linear(3136→128)–ReLU →
    /// linear(128→10); identical to `SmallCNN` in shared/bench/torch_reference.py (parameter names included).
    ///
    /// Lethe pools *before* the ReLU: max-pooling commutes with any non-decreasing function, so
    /// relu(maxpool(x)) = maxpool(relu(x)) and the gradients agree, while the ReLU then touches a quarter of the
    /// elements. Outputs are the same as PyTorch's order.
    case cnnSmall = "cnn-small"

    /// A freshly initialised model; the same seed gives the same weights, bit for bit.
    public func build(seed: UInt64, inputChannels: Int = 1, classes: Int = 10) -> Sequential {
        switch self {
        case .cnnSmall: return makeCNNSmall(seed: seed, inputChannels: inputChannels, classes: classes)
        }
    }
}

private func makeCNNSmall(seed: UInt64, inputChannels: Int, classes: Int) -> Sequential {
    var rng = SeededGenerator(seed: seed)
    let p = ParameterVector()
    let layers: [Layer] = [
        ChannelMajor(),
        // conv1 → pool1 → relu1 fused (`ConvPoolReLU`): same parameters and outputs, a third of their memory traffic.
        ConvPoolReLU("conv1", inChannels: inputChannels, outChannels: 32, kernelSize: 3, padding: 1, parameters: p,
                     rng: &rng),
        // conv2 → pool2 → relu2 fused too, through GEMM a cache-sized chunk of samples at a time.
        ConvPoolReLU("conv2", inChannels: 32, outChannels: 64, kernelSize: 3, padding: 1, parameters: p, rng: &rng),
        Flatten(),
        Linear("fc1", inFeatures: 64 * 7 * 7, outFeatures: 128, parameters: p, rng: &rng),
        ReLU("relu3"),
        Linear("fc2", inFeatures: 128, outFeatures: classes, parameters: p, rng: &rng),
    ]
    return Sequential(architecture: Architecture.cnnSmall.rawValue, layers: layers, parameters: p, featureLayerIndex: 5) {
        makeCNNSmall(seed: $0, inputChannels: inputChannels, classes: classes)
    }
}
