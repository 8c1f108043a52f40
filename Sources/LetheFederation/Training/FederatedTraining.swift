import LetheTensor

/// What each client is asked to do in one FedAvg round (the fields of a TrainRequest).
public struct TrainInstruction: Equatable, Sendable {
    public var modelVersion: UInt64
    public var localEpochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var seed: UInt64
}

/// One client's answer to a round (the fields of a TrainUpdate).
public struct TrainResult: Equatable, Sendable {
    public var baseModelVersion: UInt64
    public var weights: [Float]
    public var sampleCount: Int
    public var trainLoss: Double
    /// Percent correct over the last local epoch, as the client trained (0 when it did not say).
    public var trainAccuracy: Double

    public init(baseModelVersion: UInt64, weights: [Float], sampleCount: Int, trainLoss: Double,
                trainAccuracy: Double = 0) {
        self.trainAccuracy = trainAccuracy
        self.baseModelVersion = baseModelVersion
        self.weights = weights
        self.sampleCount = sampleCount
        self.trainLoss = trainLoss
    }
}

/// FedAvg training as a strategy value with paired hooks (Flower's `configure_fit`/`aggregate_fit`).
public struct FederatedTraining: Equatable, Sendable {
    public var training: FederationConfiguration.Training
    public var rule: AggregationRule

    public init(training: FederationConfiguration.Training, rule: AggregationRule = .weightedMean) {
        self.training = training
        self.rule = rule
    }

    /// Round `round` (1-based) from `modelVersion`; the seed changes per round so local shuffles differ.
    public func configureRound(_ round: UInt64, modelVersion: UInt64) -> TrainInstruction {
        TrainInstruction(modelVersion: modelVersion, localEpochs: training.localEpochs, batchSize: training.batchSize,
                         learningRate: training.learningRate, momentum: training.momentum,
                         weightDecay: training.weightDecay, seed: training.seed &+ round)
    }

    /// The clients asked to train in round `round`: all of `live` at `fractionFit` 1, otherwise a seeded draw of
    /// ⌈fraction × n⌉ (at least `minimumClients`, at most n), a different draw each round. Sorted ids are shuffled, so
    /// the draw depends only on the seed, the round and who is live, not on the order clients joined.
    public func sampleClients(_ live: Set<ClientID>, round: UInt64) -> Set<ClientID> {
        guard training.fractionFit < 1, !live.isEmpty else { return live }
        let wanted = Int((training.fractionFit * Double(live.count)).rounded(.up))
        let count = min(live.count, max(wanted, training.minimumClients, 1))
        var generator = SeededGenerator(seed: training.seed).derived(0x6669_7400 &+ round)  // "fit" stream per round
        let sorted = live.sorted()
        return Set(generator.permutation(sorted.count).prefix(count).map { sorted[$0] })
    }

    /// The clients' models combined by the rule, weighted by their sample counts (FedAvg: θ = Σ n_k θ_k / Σ n_k).
    public func aggregateRound(_ results: [TrainResult]) throws(AggregationError) -> [Float] {
        try rule.strategy.aggregate(results.map { WeightedVector(values: $0.weights, weight: Double($0.sampleCount)) })
    }
}
