import LetheTensor

/// What one supervised step measured on its batch.
public struct StepResult: Sendable {
    public var loss: Float
    public var correct: Int
    public var count: Int
}

extension Sequential {
    /// One supervised step: forward, cross-entropy, backward, optimiser update at `learningRate`.
    public func trainStep<O: Optimizer>(images: Tensor, labels: [Int32], optimizer: inout O,
                                        learningRate: Float) -> StepResult {
        parameters.zeroGradients()
        let logits = forward(images, mode: .training).logits
        let result = ClassificationLoss.crossEntropy(logits: logits, labels: labels)
        backward(dLogits: result.gradient)
        optimizer.step(parameters, learningRate: learningRate)
        return StepResult(loss: result.loss, correct: countCorrect(logits: logits, labels: labels), count: labels.count)
    }
}

/// Number of rows whose arg-max equals the label.
public func countCorrect(logits: Tensor, labels: [Int32]) -> Int {
    zip(logits.argmaxRows(), labels).reduce(0) { $0 + ($1.0 == Int($1.1) ? 1 : 0) }
}
