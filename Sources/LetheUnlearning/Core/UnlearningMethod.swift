import LetheData
import LetheNN
import LetheTensor

/// The methods Lethe runs, by their command-line names.
public enum MethodName: String, CaseIterable, Codable, Sendable {
    case retrain, ft, ga, rl, salun
    case wssCL = "wss-cl"
    case gc
}

/// Reports where a long unlearning run is: a phase name and the fraction of that phase done (0–1).
public typealias PhaseProgress = (_ phase: String, _ fraction: Double) -> Void

/// One unlearning algorithm with its configuration: given the original model and the task, it returns the
/// unlearned model (the original is left untouched). All randomness comes from `rng`.
public protocol UnlearningMethod: Sendable {
    var name: MethodName { get }
    /// The configuration as JSON-friendly key/values, for reports.
    var configurationSummary: String { get }
    func unlearn(_ original: Sequential, task: UnlearningTask, rng: inout SeededGenerator,
                 progress: PhaseProgress?) throws -> Sequential
}

/// Shared inner loops of the methods.
enum Steps {
    /// Accumulates ∇ of `sign` · CE(model(images), labels) into the gradients (after zeroing them); returns the CE.
    @discardableResult
    static func crossEntropyGradient(_ model: Sequential, images: Tensor, labels: [Int32], sign: Float = 1,
                                     mode: ForwardMode = .training) -> Float {
        model.parameters.zeroGradients()
        let logits = model.forward(images, mode: mode).logits
        var result = ClassificationLoss.crossEntropy(logits: logits, labels: labels)
        if sign != 1 { for i in 0..<result.gradient.count { result.gradient.storage[i] *= sign } }
        model.backward(dLogits: result.gradient)
        return result.loss
    }

    /// Throws `diverged` when any weight is no longer finite.
    static func checkFinite(_ model: Sequential, method: MethodName, phase: String) throws {
        guard model.parameters.values.allSatisfy({ $0.isFinite }) else {
            throw UnlearningError.diverged(method: method.rawValue, phase: phase)
        }
    }

    /// Uniformly random labels in 0..<classes (they may equal the true label, as in SalUn's code).
    static func randomLabels(count: Int, classes: Int, rng: inout SeededGenerator) -> [Int32] {
        (0..<count).map { _ in Int32(rng.nextInt(below: classes)) }
    }
}
