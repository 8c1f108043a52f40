import LetheUnlearning

/// Everything the coordinator decides for a federation, as one `Codable` value with documented defaults.
///
/// Defaults follow DECISIONS.md §12 (the original's recipe: SGD lr 0.05, momentum 0.9, weight decay 5e-4, batch 128)
/// spread over FedAvg rounds, and take the WSS-CL phase parameters from `WSSCLConfiguration()` so that federated and
/// centralized WSS-CL run the same method.
public struct FederationConfiguration: Codable, Equatable, Sendable {
    public var training = Training()
    public var unlearning = Unlearning()
    public var timeouts = PhaseTimeouts()
    public var liveness = Liveness()
    /// How client vectors are combined in FedAvg rounds and delta phases.
    public var aggregation = AggregationRule.weightedMean

    public init() {}

    /// FedAvg rounds (McMahan et al. 2017) and the local optimiser each client runs.
    public struct Training: Codable, Equatable, Sendable {
        /// Federated rounds for the original model (and for federated Retrain, DECISIONS.md §19).
        public var rounds = 5
        /// Local epochs per round on each client's retained data.
        public var localEpochs = 2
        public var batchSize = 128
        public var learningRate: Float = 0.05
        public var momentum: Float = 0.9
        public var weightDecay: Float = 5e-4
        /// Base seed; round r sends seed + r so clients shuffle differently each round.
        public var seed: UInt64 = 1
        /// Fewest updates a round accepts after dropping dead clients (at least 1).
        public var minimumClients = 1
        /// Fraction of the live clients asked to train in each round, drawn afresh per round from the round's seed
        /// (Flower's `fraction_fit`): ⌈fraction × live⌉ of them, and never fewer than `minimumClients`. 1 asks all.
        public var fractionFit = 1.0
        public init() {}

        enum CodingKeys: String, CodingKey {
            case rounds, localEpochs, batchSize, learningRate, momentum, weightDecay, seed, minimumClients, fractionFit
        }

        /// Configurations recorded before `fractionFit` existed (in ledgers and certificates) read as 1.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rounds = try c.decode(Int.self, forKey: .rounds)
            localEpochs = try c.decode(Int.self, forKey: .localEpochs)
            batchSize = try c.decode(Int.self, forKey: .batchSize)
            learningRate = try c.decode(Float.self, forKey: .learningRate)
            momentum = try c.decode(Float.self, forKey: .momentum)
            weightDecay = try c.decode(Float.self, forKey: .weightDecay)
            seed = try c.decode(UInt64.self, forKey: .seed)
            minimumClients = try c.decode(Int.self, forKey: .minimumClients)
            fractionFit = try c.decodeIfPresent(Double.self, forKey: .fractionFit) ?? 1
        }
    }

    /// The federated WSS-CL job (ARCHITECTURE.md "Data flow of one federated deletion").
    public struct Unlearning: Codable, Equatable, Sendable {
        /// How holders report saliency: dense float scores (exact aggregation) or top-k bitsets (compressed vote).
        public var saliencyEncoding = SaliencyEncoding.dense
        /// Fraction of weights in the global mask; `WSSCLConfiguration().maskFraction` (0.5).
        public var maskFraction = WSSCLConfiguration().maskFraction ?? 0.5
        /// For top-k reports: the fraction each holder marks (the same as the mask by default).
        public var reportFraction = WSSCLConfiguration().maskFraction ?? 0.5
        /// Stage-1 (KL forgetting) epochs and learning rate of sample deletions. 5 epochs is the central choice
        /// of session 2 (`WSSCLConfiguration.forSamplesWithoutTimeBudget`), which the `--full` federated runs in
        /// BENCHMARKS.md measured; the central default's 6 has not been validated on federated holders.
        public var forgettingEpochs = WSSCLConfiguration.forSamplesWithoutTimeBudget.stage1.epochs
        public var forgettingLearningRate = WSSCLConfiguration.forSamples.stage1.learningRate
        /// The same for class and whole-client deletions, from `WSSCLConfiguration.forClasses.stage1` (`lethe
        /// simulate` sizes the epochs to the holders' forget counts). Its lr 0.01 beat 0.015 on federated validation
        /// seeds 100 and 101 at 3 epochs (Avg. Gap 0.60 / 0.72 against 0.65 / 0.93, BENCHMARKS.md, Federation).
        public var classForgettingEpochs = WSSCLConfiguration.forClasses.stage1.epochs
        public var classForgettingLearningRate = WSSCLConfiguration.forClasses.stage1.learningRate
        /// The same for poisoned contributions (`DeletionReason.poisoned`, sample ids or a whole client), from
        /// `WSSCLConfiguration.forPoisoned.stage1`: 3 epochs at lr 0.005, chosen on federated validation seeds 100
        /// and 101 with a canary (BENCHMARKS.md, Verifiable forgetting).
        public var poisonedForgettingEpochs = WSSCLConfiguration.forPoisoned.stage1.epochs
        public var poisonedForgettingLearningRate = WSSCLConfiguration.forPoisoned.stage1.learningRate
        /// Stage-2 (contrastive) epochs: one, as in both central defaults (`forSamples`, `forClasses`); for sample
        /// deletions one epoch beat two and four on federated validation seeds 100 and 101 (BENCHMARKS.md), and the
        /// class setting uses one. The learning rate is `WSSCLConfiguration().stage2`'s.
        public var contrastiveEpochs = WSSCLConfiguration.forSamples.stage2.epochs
        public var contrastiveLearningRate = WSSCLConfiguration().stage2.learningRate
        /// Differential privacy of the shared statistics; nil sends exact sums.
        public var privacy: Privacy?
        /// Seed of the job's phases (each phase adds its round number).
        public var seed: UInt64 = 7
        public init() {}

        /// The settings a job for `scope` runs with: class and whole-client deletions take the class stage 1 (its
        /// length, ~20 holder batches in `lethe simulate`, and rate). A whole client's clients run it with the sample
        /// reading's targets (`ClientNode`); at full size its rate 0.01 beat the sample rate 0.05 (Avg. Gap 1.59
        /// against 1.83, seed 1, BENCHMARKS.md).
        /// A poisoned contribution takes the poisoned stage 1, whatever its scope.
        public func resolved(for scope: DeletionScope, reason: DeletionReason = .privacy) -> Unlearning {
            var copy = self
            if reason == .poisoned {
                copy.forgettingEpochs = poisonedForgettingEpochs
                copy.forgettingLearningRate = poisonedForgettingLearningRate
                return copy
            }
            if case .samples = scope { return self }
            copy.forgettingEpochs = classForgettingEpochs
            copy.forgettingLearningRate = classForgettingLearningRate
            return copy
        }
    }

    public enum SaliencyEncoding: String, Codable, Sendable { case dense, topK = "top-k" }

    /// (ε, δ) of each client's statistics release (counts, Σh and Σh² together; `GaussianNoiseScales`).
    ///
    /// The coordinator turns (ε, δ) into the unit σ of the analytic Gaussian mechanism for sensitivity √3 and sends it
    /// with the statistics request; each client clips its features to its own bound B and adds σ, σB and σB² to the
    /// counts, sums and sums of squares, which gives the same (ε, δ) whatever B is. The guarantee is per release: each
    /// deletion job is one release per client, and k jobs compose.
    public struct Privacy: Codable, Equatable, Sendable {
        public var epsilon: Double
        public var delta: Double

        public init(epsilon: Double, delta: Double = 1e-5) {
            self.epsilon = epsilon
            self.delta = delta
        }

        /// The unit σ sent in the statistics request (`GaussianNoiseScales.unitSigma`).
        public func unitNoiseSigma() throws -> Double {
            try GaussianNoiseScales.unitSigma(epsilon: epsilon, delta: delta)
        }
    }

    /// Seconds each phase waits for the clients it asked (a forget holder's death fails the job only after this).
    public struct PhaseTimeouts: Codable, Equatable, Sendable {
        public var deletion: Double = 30
        public var training: Double = 600
        public var saliency: Double = 120
        public var forgetting: Double = 300
        public var statistics: Double = 120
        public var contrastive: Double = 600
        public var verification: Double = 300
        public init() {}

        /// Every timeout multiplied by `factor` (≥ 1): clients that take turns on a few threads (virtual clients)
        /// answer a phase one after another, so a phase takes about N / threads times one client's work.
        public func scaled(by factor: Double) -> PhaseTimeouts {
            let f = max(1, factor)
            var scaled = self
            (scaled.deletion, scaled.training, scaled.saliency, scaled.forgetting) =
                (deletion * f, training * f, saliency * f, forgetting * f)
            (scaled.statistics, scaled.contrastive, scaled.verification) = (statistics * f, contrastive * f, verification * f)
            return scaled
        }

        /// The timeout of an unlearning phase.
        public func seconds(for phase: JobPhase) -> Double {
            switch phase {
            case .requested: deletion
            case .saliency, .mask: saliency
            case .forgetting: forgetting
            case .statistics: statistics
            case .contrastive: contrastive
            case .verification, .published, .failed: verification
            }
        }
    }

    /// Heartbeats (zguide Paranoid Pirate): a peer silent for `liveness` intervals is dead.
    public struct Liveness: Codable, Equatable, Sendable {
        public var heartbeatIntervalMilliseconds: UInt32 = 1000
        public var liveness: UInt32 = 5
        public init() {}

        public var deadAfterSeconds: Double { Double(heartbeatIntervalMilliseconds) * Double(liveness) / 1000 }
    }
}
