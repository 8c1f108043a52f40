import LetheNN
import LetheTensor
import LetheTestSupport
import Testing

/// Finite-difference checks for every layer (STYLE.md principle 7): input and parameter gradients.
@Suite struct LayerGradientTests {
    @Test func conv2dWithPaddingAndStride() {
        for (stride, padding) in [(1, 1), (2, 0), (2, 1)] {
            var rng = SeededGenerator(seed: 5)
            let p = ParameterVector()
            let conv = Conv2d("conv", inChannels: 3, outChannels: 4, kernelSize: 3, stride: stride, padding: padding,
                              parameters: p, rng: &rng)
            let mismatches = checkLayerGradients(conv, parameters: p, input: randomTensor([3, 2, 6, 5], seed: 6))
            #expect(mismatches.isEmpty, "stride \(stride) padding \(padding): \(mismatches.prefix(5))")
        }
    }

    @Test func linear() {
        var rng = SeededGenerator(seed: 1)
        let p = ParameterVector()
        let layer = Linear("fc", inFeatures: 7, outFeatures: 5, parameters: p, rng: &rng)
        let mismatches = checkLayerGradients(layer, parameters: p, input: randomTensor([4, 7], seed: 2))
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func reluMaxPoolAvgPoolFlattenChannelMajor() {
        let p = ParameterVector()
        let cases: [(Layer, [Int])] = [
            (ReLU(), [3, 4, 5]),
            (MaxPool2d(size: 2), [2, 3, 6, 6]),
            (MaxPool2d(size: 2), [2, 2, 7, 5]),
            (MaxPool2d(size: 3, stride: 2), [2, 2, 7, 7]),
            (AvgPool2d(size: 2), [2, 3, 6, 4]),
            (Flatten(), [3, 2, 2, 2]),
            (ChannelMajor(), [2, 3, 2, 2]),
        ]
        for (layer, shape) in cases {
            let mismatches = checkLayerGradients(layer, parameters: p, input: randomTensor(shape, seed: 3),
                                                 epsilon: 1e-3)
            #expect(mismatches.isEmpty, "\(layer.name): \(mismatches.prefix(5))")
        }
    }

    @Test func dropoutIsIdentityInEvaluationAndScaledInTraining() {
        let dropout = Dropout(probability: 0.5, seed: 1)
        let x = randomTensor([10, 20], seed: 4)
        #expect(dropout.forward(x, mode: .evaluation) == x)
        let y = dropout.forward(x, mode: .training)
        let kept = zip(x.storage, y.storage).filter { $0.1 != 0 }
        #expect(kept.allSatisfy { abs($0.1 - 2 * $0.0) < 1e-6 })
        #expect(kept.count > 60 && kept.count < 140)
        let dx = dropout.backward(Tensor(shape: x.shape, repeating: 1))!
        #expect(zip(dx.storage, y.storage).allSatisfy { ($0.0 == 0) == ($0.1 == 0) })
    }

    @Test func wholeModelGradientMatchesFiniteDifferences() {
        let model = Architecture.cnnSmall.build(seed: 3)
        let x = randomTensor([2, 1, 28, 28], seed: 8)
        let labels: [Int32] = [3, 7]
        model.parameters.zeroGradients()
        let result = ClassificationLoss.crossEntropy(logits: model.forward(x).logits, labels: labels)
        model.backward(dLogits: result.gradient)
        var theta = model.parameters.values
        let indices = model.parameters.entries.flatMap { e in sampleIndices(e.count, limit: 8).map { $0 + e.offset } }
        let mismatches = checkGradient(argument: "cnn-small", values: &theta, analytic: model.parameters.gradients,
                                       indices: indices, epsilon: 2e-3) { perturbed in
            let saved = model.parameters.values
            model.parameters.values = perturbed
            defer { model.parameters.values = saved }
            return Double(ClassificationLoss.crossEntropy(logits: model.logits(x), labels: labels).loss)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}

@Suite struct PoolingOrderTests {
    /// cnn-small pools before its ReLUs; that must equal PyTorch's ReLU-then-pool, forward and backward.
    @Test func poolThenReluEqualsReluThenPool() {
        let x = randomTensor([3, 2, 8, 8], seed: 12)
        let (poolA, reluA) = (MaxPool2d(size: 2), ReLU())
        let (reluB, poolB) = (ReLU(), MaxPool2d(size: 2))
        let a = reluA.forward(poolA.forward(x, mode: .training), mode: .training)
        let b = poolB.forward(reluB.forward(x, mode: .training), mode: .training)
        #expect(a == b)
        let dy = randomTensor(a.shape, seed: 13)
        let dxA = poolA.backward(reluA.backward(dy)!)!
        let dxB = reluB.backward(poolB.backward(dy)!)!
        #expect(dxA == dxB)
    }
}

@Suite struct SequentialTests {
    @Test func headOfFeaturesEqualsLogitsAndBackwardHeadTouchesOnlyTheHead() {
        let model = Architecture.cnnSmall.build(seed: 2)
        let x = randomTensor([3, 1, 28, 28], seed: 1)
        let output = model.forward(x)
        #expect(maxAbsoluteDifference(model.head(output.features).storage, output.logits.storage) < 1e-5)
        model.parameters.zeroGradients()
        _ = model.head(output.features, mode: .training)
        model.backwardHead(dLogits: randomTensor([3, 10], seed: 2))
        for entry in model.parameters.entries {
            let touched = model.parameters.gradients[entry.range].contains { $0 != 0 }
            #expect(touched == entry.name.hasPrefix("fc2"), "\(entry.name)")
        }
    }

    @Test func featureGradientEntersAtTheFeatureLayer() {
        // L = Σ features ⊙ R: its parameter gradient must match finite differences.
        let model = Architecture.cnnSmall.build(seed: 4)
        let x = randomTensor([2, 1, 28, 28], seed: 3)
        let r = randomTensor([2, 128], seed: 5)
        model.parameters.zeroGradients()
        _ = model.forward(x)
        model.backward(dLogits: nil, dFeatures: r)
        var theta = model.parameters.values
        let entry = model.parameters.entry(named: "fc1.bias")!
        let mismatches = checkGradient(argument: "fc1.bias", values: &theta, analytic: model.parameters.gradients,
                                       indices: Array(entry.range.prefix(20)), epsilon: 1e-3) { perturbed in
            let saved = model.parameters.values
            model.parameters.values = perturbed
            defer { model.parameters.values = saved }
            return zip(model.forward(x, mode: .evaluation).features.storage, r.storage)
                .reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(model.parameters.gradient(named: "fc2.weight")!.storage.allSatisfy { $0 == 0 })
    }

    @Test func cloneIsIndependent() {
        let model = Architecture.cnnSmall.build(seed: 2)
        let copy = model.clone()
        #expect(copy.parameters.values == model.parameters.values)
        copy.parameters.values[0] += 1
        #expect(copy.parameters.values[0] != model.parameters.values[0])
    }
}
