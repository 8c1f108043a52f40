/// One FedAvg round as a state machine: asks the live clients, collects TrainUpdates, drops clients that die or
/// miss the deadline, and aggregates once everyone still asked has answered.
///
/// Envelope rounds count training rounds (job id "train"); an update for another round or model version, a second
/// update from the same client, or one from a client not asked is refused as data. A round whose updates fall below
/// `minimumClients` fails with a reason instead of publishing a model trained on too few clients.
public struct TrainingRound: Sendable {
    public let round: UInt64
    public let instruction: TrainInstruction
    public let strategy: FederatedTraining
    public private(set) var quorum: PhaseQuorum
    public private(set) var results: [ClientID: TrainResult] = [:]
    let weightCount: Int

    public enum Event: Equatable, Sendable {
        case update(from: ClientID, round: UInt64, TrainResult)
        case clientDied(ClientID)
        /// The client answered this round's TrainRequest with an Error (e.g. all its data is deleted): it is dropped
        /// from the round now instead of at the deadline.
        case clientFailed(ClientID, round: UInt64)
        case tick(now: Double)
    }

    public enum Outcome: Equatable, Sendable {
        /// Nothing to do yet.
        case waiting
        case refuse(ClientID, Refusal, reason: String)
        /// The round is complete: the aggregated weights and the mean training loss of the contributors.
        case aggregated(weights: [Float], meanLoss: Double, meanAccuracy: Double, contributors: [ClientID])
        case failed(reason: String)
    }

    public init(round: UInt64, modelVersion: UInt64, weightCount: Int, clients: Set<ClientID>,
                strategy: FederatedTraining, now: Double, timeout: Double) {
        self.round = round
        self.strategy = strategy
        self.weightCount = weightCount
        self.instruction = strategy.configureRound(round, modelVersion: modelVersion)
        self.quorum = PhaseQuorum(asked: clients, required: [], deadline: now + timeout)
    }

    public mutating func handle(_ event: Event) -> Outcome {
        switch event {
        case .update(let client, let round, let result): return receive(result, from: client, round: round)
        case .clientDied(let client):
            _ = quorum.clientDied(client)
            return quorum.isComplete ? finish() : .waiting
        case .clientFailed(let client, let round):
            guard round == self.round, quorum.clientDied(client) else { return .waiting }
            return quorum.isComplete ? finish() : .waiting
        case .tick(let now):
            guard quorum.expire(now: now) != nil else { return .waiting }
            return finish()
        }
    }

    private mutating func receive(_ result: TrainResult, from client: ClientID, round: UInt64) -> Outcome {
        guard round == self.round else {
            return .refuse(client, .staleRound, reason: "update for round \(round); training is in round \(self.round)")
        }
        guard quorum.asked.contains(client) else {
            return .refuse(client, .unknownClient, reason: "\(client) was not asked to train in round \(round)")
        }
        guard !quorum.answered.contains(client) else {
            return .refuse(client, .staleRound, reason: "\(client) already sent its round-\(round) update; replay refused")
        }
        guard result.baseModelVersion == instruction.modelVersion else {
            return .refuse(client, .staleRound, reason: "update from model v\(result.baseModelVersion); "
                           + "round \(round) trains v\(instruction.modelVersion)")
        }
        guard result.weights.count == weightCount else {
            return .refuse(client, .invalid, reason: "update has \(result.weights.count) weights, the model \(weightCount)")
        }
        results[client] = result
        _ = quorum.record(client)
        return quorum.isComplete ? finish() : .waiting
    }

    private func finish() -> Outcome {
        let contributors = results.keys.sorted()
        guard contributors.count >= max(1, strategy.training.minimumClients) else {
            return .failed(reason: "round \(round) got \(contributors.count) update(s), fewer than the minimum of "
                           + "\(max(1, strategy.training.minimumClients)); start more clients or lower --min-clients")
        }
        let ordered = contributors.map { results[$0]! }
        do {
            let weights = try strategy.aggregateRound(ordered)
            let samples = ordered.reduce(0.0) { $0 + Double($1.sampleCount) }
            func mean(_ figure: (TrainResult) -> Double) -> Double {
                samples > 0 ? ordered.reduce(0.0) { $0 + figure($1) * Double($1.sampleCount) } / samples : 0
            }
            return .aggregated(weights: weights, meanLoss: mean(\.trainLoss), meanAccuracy: mean(\.trainAccuracy),
                               contributors: contributors)
        } catch {
            return .failed(reason: "round \(round) aggregation failed: \(error)")
        }
    }
}
