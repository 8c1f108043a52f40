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

    /// An encoder for SimCLR: cnn-small's trunk (both convolution blocks and fc1 → ReLU, 128 features, the same
    /// parameter names and, for one seed, the same initial weights) under a projection head linear(128→128)–ReLU–
    /// linear(128→`classes`) in place of the classifier. Its "logits" are the projections NT-Xent compares; its
    /// features are the trunk's, which a linear probe or kNN evaluates.
    case simclr = "simclr"

    /// A freshly initialised model; the same seed gives the same weights, bit for bit. `outputs` is the output
    /// width: classes for cnn-small, the projection's dimension for simclr (`defaultOutputs` when not given).
    public func build(seed: UInt64, inputChannels: Int = 1, classes outputs: Int? = nil) -> Sequential {
        let outputs = outputs ?? defaultOutputs
        switch self {
        case .cnnSmall: return makeCNNSmall(seed: seed, inputChannels: inputChannels, classes: outputs)
        case .simclr: return makeSimCLR(seed: seed, inputChannels: inputChannels, projection: outputs)
        }
    }

    /// The output width `build` uses when none is named: 10 classes, or SimCLR's 64-dimensional projection.
    public var defaultOutputs: Int { self == .simclr ? 64 : 10 }
}

private func makeCNNSmall(seed: UInt64, inputChannels: Int, classes: Int) -> Sequential {
    var rng = SeededGenerator(seed: seed)
    let p = ParameterVector()
    let layers = cnnSmallTrunk(inputChannels: inputChannels, parameters: p, rng: &rng) + [
        Linear("fc2", inFeatures: 128, outFeatures: classes, parameters: p, rng: &rng),
    ]
    return Sequential(architecture: Architecture.cnnSmall.rawValue, layers: layers, parameters: p, featureLayerIndex: 5) {
        makeCNNSmall(seed: $0, inputChannels: inputChannels, classes: classes)
    }
}

private func makeSimCLR(seed: UInt64, inputChannels: Int, projection: Int) -> Sequential {
    var rng = SeededGenerator(seed: seed)
    let p = ParameterVector()
    let layers = cnnSmallTrunk(inputChannels: inputChannels, parameters: p, rng: &rng) + [
        Linear("proj1", inFeatures: 128, outFeatures: 128, parameters: p, rng: &rng),
        ReLU("proj_relu"),
        Linear("proj2", inFeatures: 128, outFeatures: projection, parameters: p, rng: &rng),
    ]
    return Sequential(architecture: Architecture.simclr.rawValue, layers: layers, parameters: p, featureLayerIndex: 5) {
        makeSimCLR(seed: $0, inputChannels: inputChannels, projection: projection)
    }
}

/// cnn-small up to its 128 penultimate features (layer 5, after relu3).
private func cnnSmallTrunk(inputChannels: Int, parameters p: ParameterVector, rng: inout SeededGenerator) -> [Layer] {
    [
        ChannelMajor(),
        // conv1 → pool1 → relu1 fused (`ConvPoolReLU`): same parameters and outputs, a third of their memory traffic.
        ConvPoolReLU("conv1", inChannels: inputChannels, outChannels: 32, kernelSize: 3, padding: 1, parameters: p,
                     rng: &rng),
        // conv2 → pool2 → relu2 fused too, through GEMM a cache-sized chunk of samples at a time.
        ConvPoolReLU("conv2", inChannels: 32, outChannels: 64, kernelSize: 3, padding: 1, parameters: p, rng: &rng),
        Flatten(),
        Linear("fc1", inFeatures: 64 * 7 * 7, outFeatures: 128, parameters: p, rng: &rng),
        ReLU("relu3"),
    ]
}
