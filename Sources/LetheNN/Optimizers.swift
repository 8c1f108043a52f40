import Foundation
import LetheTensor

/// Updates a model's weights from its accumulated gradients.
public protocol Optimizer {
    /// One update of every weight in `parameters` at learning rate `learningRate`.
    mutating func step(_ parameters: ParameterVector, learningRate: Float)
}

/// Stochastic gradient descent with PyTorch's semantics (torch.optim.SGD, dampening 0):
/// g = ∇ + λθ;  v ← μv + g (v = g on the first step);  d = g + μv if Nesterov else v;  θ ← θ − η d.
public struct SGD: Optimizer, Codable, Sendable {
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool
    private var velocity: [Float] = []

    public init(momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public mutating func step(_ parameters: ParameterVector, learningRate: Float) {
        let count = parameters.count
        let firstStep = velocity.isEmpty && momentum != 0
        if velocity.count != count { velocity = [Float](repeating: 0, count: count) }
        let (mu, lambda, eta, useNesterov) = (momentum, weightDecay, learningRate, nesterov)
        parameters.gradients.withUnsafeBufferPointer { grad in
            parameters.values.withUnsafeMutableBufferPointer { theta in
                velocity.withUnsafeMutableBufferPointer { v in
                    for i in 0..<count {
                        let g = grad[i] + lambda * theta[i]
                        guard mu != 0 else {
                            theta[i] -= eta * g
                            continue
                        }
                        v[i] = firstStep ? g : mu * v[i] + g
                        theta[i] -= eta * (useNesterov ? g + mu * v[i] : v[i])
                    }
                }
            }
        }
    }
}

/// Adam (Kingma & Ba) with PyTorch's semantics (torch.optim.Adam, L2 weight decay added to the gradient):
/// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
public struct Adam: Optimizer, Codable, Sendable {
    public var beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private var firstMoment: [Float] = [], secondMoment: [Float] = []
    private var steps = 0

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
    }

    public mutating func step(_ parameters: ParameterVector, learningRate: Float) {
        let count = parameters.count
        if firstMoment.count != count {
            firstMoment = [Float](repeating: 0, count: count)
            secondMoment = [Float](repeating: 0, count: count)
            steps = 0
        }
        steps += 1
        let correction1 = 1 - Float(Foundation.pow(Double(beta1), Double(steps)))
        let correction2 = 1 - Float(Foundation.pow(Double(beta2), Double(steps)))
        let (b1, b2, eps, lambda, eta) = (beta1, beta2, epsilon, weightDecay, learningRate)
        parameters.gradients.withUnsafeBufferPointer { grad in
            parameters.values.withUnsafeMutableBufferPointer { theta in
                firstMoment.withUnsafeMutableBufferPointer { m in
                    secondMoment.withUnsafeMutableBufferPointer { v in
                        for i in 0..<count {
                            let g = grad[i] + lambda * theta[i]
                            m[i] = b1 * m[i] + (1 - b1) * g
                            v[i] = b2 * v[i] + (1 - b2) * g * g
                            theta[i] -= eta * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm` (torch.nn.utils.clip_grad_norm_); returns the
/// norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: ParameterVector, maxNorm: Float) -> Float {
    var squared: Double = 0
    for g in parameters.gradients { squared += Double(g) * Double(g) }
    let norm = Float(squared.squareRoot())
    if norm > maxNorm && norm > 0 {
        let scale = maxNorm / (norm + 1e-6)
        parameters.gradients.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= scale } }
    }
    return norm
}
