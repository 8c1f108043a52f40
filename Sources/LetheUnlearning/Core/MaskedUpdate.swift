import LetheNN
import LetheTensor

/// Which weights an unlearning method may change, and how strongly (ALGORITHMS.md "Weight saliency").
///
/// With a hard mask the gradients of unselected weights are zeroed before the step, and after the step those
/// weights are put back to their previous values, so momentum and weight decay cannot move them either: they stay
/// bit-identical. A soft scale multiplies each gradient by a per-weight factor in [0, 1] instead.
public struct WeightUpdateRule: Sendable {
    public var mask: WeightMask?
    public var scale: [Float]?

    public static let unrestricted = WeightUpdateRule(mask: nil, scale: nil)

    public init(mask: WeightMask?, scale: [Float]? = nil) {
        self.mask = mask
        self.scale = scale
    }

    /// Applies the rule to the accumulated gradients, runs `optimizer`, and restores protected weights.
    public func step<O: Optimizer>(_ model: Sequential, optimizer: inout O, learningRate: Float) {
        let parameters = model.parameters
        if let scale {
            parameters.gradients.withUnsafeMutableBufferPointer { g in
                for i in g.indices { g[i] *= scale[i] }
            }
        }
        guard let mask else {
            optimizer.step(parameters, learningRate: learningRate)
            return
        }
        parameters.gradients.withUnsafeMutableBufferPointer { mask.apply(to: $0.baseAddress!) }
        let previous = parameters.values
        optimizer.step(parameters, learningRate: learningRate)
        previous.withUnsafeBufferPointer { old in
            parameters.values.withUnsafeMutableBufferPointer {
                mask.restoreUnmasked(values: $0.baseAddress!, previous: old.baseAddress!)
            }
        }
    }
}
