import Foundation
import LetheData
import LetheNN
import LetheTensor

/// An encoder's frozen features and the two standard ways to read them as a classifier: a linear probe (logistic
/// regression on the features) and weighted kNN. Neither changes the encoder.
public enum EncoderFeatures {
    /// Features [n, D] of `dataset[positions]` (the model's feature layer, evaluation mode), in batches.
    public static func extract(_ model: Sequential, from dataset: ImageDataset, positions: [Int],
                               normalization: Normalization = .fashionMNIST, batchSize: Int = 500) -> Tensor {
        var storage: [Float] = []
        var width = 0
        for batch in EpochOrder(ordered: positions, batchSize: batchSize) {
            let features = model.forward(dataset.batch(batch, normalization: normalization).images,
                                         mode: .evaluation).features
            width = features.shape[1]
            storage += features.storage
        }
        return Tensor(shape: [positions.count, width], storage: storage)
    }
}

/// Softmax regression on frozen features, standardised with the training features' per-dimension mean and
/// standard deviation (the linear-evaluation protocol of SimCLR and of Wang & Chen 2024's encoder tables).
public struct LinearProbe {
    public struct Recipe: Codable, Equatable, Sendable {
        public var epochs = 30
        public var batchSize = 256
        public var learningRate: Float = 0.1
        public var weightDecay: Float = 1e-4
        public init() {}
    }

    let mean: [Float], scale: [Float]
    let classifier: Linear
    let parameters: ParameterVector

    /// Fits the probe to `features` [n, D] and `labels`; `rng` orders the batches and initialises the weights.
    public init(features: Tensor, labels: [Int32], classes: Int, recipe: Recipe = Recipe(),
                rng: inout SeededGenerator) {
        precondition(features.rank == 2 && features.shape[0] == labels.count && !labels.isEmpty,
                     "a probe needs [n, D] features with one label each")
        let (n, d) = (features.shape[0], features.shape[1])
        var (mean, variance) = ([Float](repeating: 0, count: d), [Float](repeating: 0, count: d))
        for i in 0..<n { for j in 0..<d { mean[j] += features.storage[i * d + j] / Float(n) } }
        for i in 0..<n { for j in 0..<d { let e = features.storage[i * d + j] - mean[j]; variance[j] += e * e / Float(n) } }
        (self.mean, scale) = (mean, variance.map { 1 / max($0.squareRoot(), 1e-6) })
        parameters = ParameterVector()
        classifier = Linear("probe", inFeatures: d, outFeatures: classes, parameters: parameters, rng: &rng)
        classifier.needsInputGradient = false
        let standardised = standardise(features)
        var optimizer = SGD(momentum: 0.9, weightDecay: recipe.weightDecay)
        let schedule = LearningRateSchedule.cosine(minimum: 0)
        let steps = recipe.epochs * ((n + recipe.batchSize - 1) / recipe.batchSize)
        var step = 0
        for _ in 0..<recipe.epochs {
            for batch in EpochOrder(shuffling: Array(0..<n), batchSize: recipe.batchSize, rng: &rng) {
                let x = Tensor(shape: [batch.count, d], storage: batch.flatMap { standardised.storage[($0 * d)..<(($0 + 1) * d)] })
                parameters.zeroGradients()
                let loss = ClassificationLoss.crossEntropy(logits: classifier.forward(x, mode: .training),
                                                           labels: batch.map { labels[$0] })
                _ = classifier.backward(loss.gradient)
                optimizer.step(parameters, learningRate: schedule.rate(base: recipe.learningRate, step: step,
                                                                       totalSteps: steps))
                step += 1
            }
        }
    }

    /// Predicted class per row of `features` [n, D].
    public func predict(_ features: Tensor) -> [Int] {
        classifier.forward(standardise(features), mode: .evaluation).argmaxRows()
    }

    /// Percentage of rows predicted as their label.
    public func accuracy(features: Tensor, labels: [Int32]) -> Double {
        Evaluation(predictions: predict(features), labels: labels, classCount: classifier.outFeatures).accuracy
    }

    private func standardise(_ x: Tensor) -> Tensor {
        let d = mean.count
        var out = x
        for i in 0..<x.shape[0] { for j in 0..<d { out.storage[i * d + j] = (x.storage[i * d + j] - mean[j]) * scale[j] } }
        return out
    }
}

/// Weighted k-nearest-neighbour classification on cosine similarity (Wu et al. 2018, the kNN monitor of
/// self-supervised learning): the k most similar training features vote for their labels with weight e^{s/τ}.
public enum NearestNeighbourProbe {
    public static func predict(train: Tensor, labels: [Int32], classes: Int, queries: Tensor, k: Int = 20,
                               temperature: Float = 0.07) -> [Int] {
        precondition(train.rank == 2 && queries.rank == 2 && train.shape[1] == queries.shape[1], "feature widths differ")
        precondition(train.shape[0] == labels.count && k >= 1, "one label per training row, k ≥ 1")
        let (n, d, k) = (train.shape[0], train.shape[1], min(k, train.shape[0]))
        let reference = unitRows(train), asked = unitRows(queries)
        var predictions: [Int] = []
        let chunk = 256
        var similarities = [Float](repeating: 0, count: chunk * n)
        for start in stride(from: 0, to: asked.shape[0], by: chunk) {
            let m = min(chunk, asked.shape[0] - start)
            asked.withUnsafePointer { q in
                reference.withUnsafePointer { r in
                    similarities.withUnsafeMutableBufferPointer { s in
                        gemm(transposeA: false, transposeB: true, m: m, n: n, k: d, a: q + start * d, lda: d,
                             b: r, ldb: d, c: s.baseAddress!, ldc: n)
                    }
                }
            }
            for row in 0..<m {
                let nearest = largest(k, of: similarities[(row * n)..<((row + 1) * n)])
                var votes = [Float](repeating: 0, count: classes)
                for (index, similarity) in nearest { votes[Int(labels[index])] += Foundation.exp(similarity / temperature) }
                predictions.append(votes.indices.max { votes[$0] < votes[$1] }!)
            }
        }
        return predictions
    }

    public static func accuracy(train: Tensor, labels: [Int32], classes: Int, queries: Tensor,
                                queryLabels: [Int32], k: Int = 20) -> Double {
        Evaluation(predictions: predict(train: train, labels: labels, classes: classes, queries: queries, k: k),
                   labels: queryLabels, classCount: classes).accuracy
    }

    /// The k largest values with their offsets in the slice (ties: the earlier offset first).
    static func largest(_ k: Int, of values: ArraySlice<Float>) -> [(Int, Float)] {
        var best: [(Int, Float)] = []
        best.reserveCapacity(k + 1)
        for (offset, value) in zip(0..., values) where best.count < k || value > best[best.count - 1].1 {
            let at = best.firstIndex { $0.1 < value } ?? best.count
            best.insert((offset, value), at: at)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// Rows scaled to unit length, as the contrastive losses normalise them.
    static func unitRows(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, storage: ContrastiveLoss.normalizeRows(x).0)
    }
}
