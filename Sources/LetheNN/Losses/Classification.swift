import Foundation
import LetheTensor

/// A scalar loss and its gradient with respect to the tensor it was computed from.
public struct LossAndGradient {
    public var loss: Float
    public var gradient: Tensor
}

/// Losses on [N, C] logits. Each returns the batch *mean* and ∂mean/∂logits.
public enum ClassificationLoss {
    /// Cross-entropy with hard labels: L = −(1/N) Σ_i log softmax(z_i)[y_i];  ∂L/∂z_i = (softmax(z_i) − onehot(y_i)) / N.
    public static func crossEntropy(logits: Tensor, labels: [Int32]) -> LossAndGradient {
        let (n, classes) = (logits.shape[0], logits.shape[1])
        precondition(labels.count == n, "\(labels.count) labels for \(n) rows of logits")
        let logProbabilities = logits.logSoftmaxRows()
        var gradient = Tensor(shape: logits.shape)
        var total: Double = 0
        let scale = 1 / Float(n)
        for i in 0..<n {
            let label = Int(labels[i])
            precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
            total -= Double(logProbabilities.storage[i * classes + label])
            for j in 0..<classes {
                gradient.storage[i * classes + j] = Foundation.exp(logProbabilities.storage[i * classes + j]) * scale
            }
            gradient.storage[i * classes + label] -= scale
        }
        return LossAndGradient(loss: Float(total / Double(n)), gradient: gradient)
    }

    /// Cross-entropy with soft targets q (rows summing to 1) at temperature T:
    /// L = −(1/N) Σ_i Σ_j q_ij log softmax(z_i/T)_j;  ∂L/∂z_i = (softmax(z_i/T) − q_i) / (N·T).
    public static func softCrossEntropy(logits: Tensor, targets: Tensor, temperature: Float = 1) -> LossAndGradient {
        precondition(logits.shape == targets.shape, "targets \(targets.shape) do not match logits \(logits.shape)")
        let n = logits.shape[0]
        let logProbabilities = logits.logSoftmaxRows(temperature: temperature)
        var total: Double = 0
        var gradient = Tensor(shape: logits.shape)
        let scale = 1 / (Float(n) * temperature)
        for k in 0..<logits.count {
            let q = targets.storage[k], logP = logProbabilities.storage[k]
            total -= Double(q * logP)
            gradient.storage[k] = (Foundation.exp(logP) - q) * scale
        }
        return LossAndGradient(loss: Float(total / Double(n)), gradient: gradient)
    }

    /// KL(q ‖ softmax(z/T)) averaged over rows: L = (1/N) Σ_i Σ_j q_ij (log q_ij − log p_ij), with 0·log 0 = 0.
    /// It differs from soft cross-entropy by the constant entropy of q, so the gradient is the same:
    /// ∂L/∂z_i = (p_i − q_i) / (N·T). Negate both to *maximise* the divergence.
    public static func klDivergence(targets: Tensor, logits: Tensor, temperature: Float = 1) -> LossAndGradient {
        var result = softCrossEntropy(logits: logits, targets: targets, temperature: temperature)
        var entropy: Double = 0
        for q in targets.storage where q > 0 { entropy -= Double(q) * Foundation.log(Double(q)) }
        result.loss -= Float(entropy / Double(logits.shape[0]))
        return result
    }
}
