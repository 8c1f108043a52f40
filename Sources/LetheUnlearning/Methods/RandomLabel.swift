import LetheData
import LetheNN
import LetheTensor

/// RL and SalUn: relabel D_f with uniformly random classes and train on it together with D_r; SalUn does this on
/// the top-saliency weights only (Fan et al. 2024, OPTML-Group/Unlearn-Saliency).
public struct RandomLabel: UnlearningMethod {
    /// How the relabelled forget data meets the retained data within an epoch.
    public enum Mixing: String, Codable, Sendable {
        /// D_f (random labels) and D_r in one shuffled pass (SalUn code's CIFAR-100 branch; the reference's 0.99).
        case shuffledTogether = "shuffled-together"
        /// One pass over D_f with random labels, then one over D_r (SalUn code's CIFAR-10 branch).
        case forgetThenRetain = "forget-then-retain"
    }

    public struct Configuration: Codable, Equatable, Sendable {
        public var epochs = 5
        public var learningRate: Float = 0.013
        public var batchSize = 256
        public var momentum: Float = 0.9
        public var weightDecay: Float = 5e-4
        public var mixing = Mixing.shuffledTogether
        /// Fraction of weights SalUn may change (nil: all, i.e. plain RL).
        public var maskFraction: Double?
        public init() {}

        /// SalUn's configuration: RL on the top-50 % saliency mask.
        public static var salun: Configuration {
            var c = Configuration()
            c.maskFraction = 0.5
            return c
        }
    }

    public var configuration: Configuration
    public var name: MethodName { configuration.maskFraction == nil ? .rl : .salun }
    public var configurationSummary: String {
        let c = configuration
        return "epochs \(c.epochs), lr \(c.learningRate), batch \(c.batchSize), \(c.mixing.rawValue)"
            + (c.maskFraction.map { ", mask top \(Int($0 * 100)) %" } ?? "")
    }

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public func unlearn(_ original: Sequential, task: UnlearningTask, rng: inout SeededGenerator,
                        progress: PhaseProgress?) throws -> Sequential {
        let c = configuration
        var rule = WeightUpdateRule.unrestricted
        if let fraction = c.maskFraction {
            let scores = Saliency.scores(original, task: task)
            rule = WeightUpdateRule(mask: try Saliency.mask(scores: scores, fraction: fraction,
                                                            layout: original.parameters.entries))
        }
        let model = original.clone()
        var optimizer = SGD(momentum: c.momentum, weightDecay: c.weightDecay)
        let classes = task.train.classCount
        for epoch in 0..<c.epochs {
            // Each epoch draws fresh random labels for D_f, keyed by position.
            let randomLabels = Dictionary(uniqueKeysWithValues: zip(task.forget, Steps.randomLabels(
                count: task.forget.count, classes: classes, rng: &rng)))
            let passes: [[Int]] = c.mixing == .shuffledTogether ? [task.forget + task.retain] : [task.forget, task.retain]
            for pass in passes {
                let order = EpochOrder(shuffling: pass, batchSize: c.batchSize, rng: &rng)
                for (index, positions) in order.enumerated() {
                    var (images, labels) = task.batch(positions)
                    for (row, position) in positions.enumerated() {
                        if let random = randomLabels[position] { labels[row] = random }
                    }
                    Steps.crossEntropyGradient(model, images: images, labels: labels)
                    rule.step(model, optimizer: &optimizer, learningRate: c.learningRate)
                    progress?(name.rawValue, (Double(epoch) + Double(index + 1) / Double(order.count)) / Double(c.epochs))
                }
            }
        }
        try Steps.checkFinite(model, method: name, phase: "random-label training")
        return model
    }
}
