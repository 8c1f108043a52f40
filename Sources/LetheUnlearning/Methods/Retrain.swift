import LetheData
import LetheNN
import LetheTensor

/// Retrain: the original model's own recipe, from a fresh initialisation, on D_r only. The gold standard every
/// other method is measured against (its cost is what unlearning tries to avoid).
public struct Retrain: UnlearningMethod {
    public struct Configuration: Codable, Equatable, Sendable {
        public var recipe = TrainingRecipe()
        public init() {}
    }

    public var configuration: Configuration
    public var name: MethodName { .retrain }
    public var configurationSummary: String {
        "epochs \(configuration.recipe.epochs), lr \(configuration.recipe.learningRate), batch \(configuration.recipe.batchSize)"
    }

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public func unlearn(_ original: Sequential, task: UnlearningTask, rng: inout SeededGenerator,
                        progress: PhaseProgress?) throws -> Sequential {
        let model = original.rebuild(rng.next())
        Trainer.train(model, on: task.train, positions: task.retain, recipe: configuration.recipe,
                      normalization: task.normalization, rng: &rng) { p in progress?("retrain", p.fractionDone) }
        try Steps.checkFinite(model, method: name, phase: "retraining")
        return model
    }
}

/// FT: fine-tune the original model on D_r (catastrophic forgetting of D_f).
public struct FineTune: UnlearningMethod {
    public struct Configuration: Codable, Equatable, Sendable {
        public var recipe = TrainingRecipe(epochs: 5, batchSize: 128, learningRate: 0.04)
        public init() {}
    }

    public var configuration: Configuration
    public var name: MethodName { .ft }
    public var configurationSummary: String {
        "epochs \(configuration.recipe.epochs), lr \(configuration.recipe.learningRate) on D_r"
    }

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public func unlearn(_ original: Sequential, task: UnlearningTask, rng: inout SeededGenerator,
                        progress: PhaseProgress?) throws -> Sequential {
        let model = original.clone()
        Trainer.train(model, on: task.train, positions: task.retain, recipe: configuration.recipe,
                      normalization: task.normalization, rng: &rng) { p in progress?("fine-tune", p.fractionDone) }
        try Steps.checkFinite(model, method: name, phase: "fine-tuning")
        return model
    }
}

/// GA: gradient ascent on the forget set's cross-entropy.
public struct GradientAscent: UnlearningMethod {
    public struct Configuration: Codable, Equatable, Sendable {
        public var epochs = 3
        public var learningRate: Float = 2e-4
        public var batchSize = 128
        public var momentum: Float = 0.9
        public var weightDecay: Float = 5e-4
        public init() {}
    }

    public var configuration: Configuration
    public var name: MethodName { .ga }
    public var configurationSummary: String {
        "epochs \(configuration.epochs), lr \(configuration.learningRate), batch \(configuration.batchSize)"
    }

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public func unlearn(_ original: Sequential, task: UnlearningTask, rng: inout SeededGenerator,
                        progress: PhaseProgress?) throws -> Sequential {
        let model = original.clone()
        let c = configuration
        var optimizer = SGD(momentum: c.momentum, weightDecay: c.weightDecay)
        for epoch in 0..<c.epochs {
            let order = EpochOrder(shuffling: task.forget, batchSize: c.batchSize, rng: &rng)
            for (index, positions) in order.enumerated() {
                let (images, labels) = task.batch(positions)
                Steps.crossEntropyGradient(model, images: images, labels: labels, sign: -1)
                optimizer.step(model.parameters, learningRate: c.learningRate)
                progress?("gradient ascent", (Double(epoch) + Double(index + 1) / Double(order.count)) / Double(c.epochs))
            }
        }
        try Steps.checkFinite(model, method: name, phase: "gradient ascent")
        return model
    }
}
