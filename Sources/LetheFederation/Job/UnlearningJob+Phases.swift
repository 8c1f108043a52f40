import Foundation
import LetheTensor
import LetheWire

/// Entering and finishing phases: the *when* of the job; the *what* comes from the `FederatedWSSCL` strategy.
extension UnlearningJob {
    /// Starts `phase`: checkpoint and record it, then send its requests (after a `prelude` when resuming, or after
    /// broadcasting a new in-job model version with `broadcastModel`). The model goes out only after the checkpoint
    /// naming it, so a coordinator killed in between resumes with the version its clients hold.
    mutating func enter(_ phase: JobPhase, now: Double, prelude resuming: Bool = false,
                        broadcastModel: Bool = false) -> [JobAction] {
        if record.phase != phase { closePhaseTiming(now: now) }
        phaseStartedAt = now
        record.phase = phase
        clearReplies()
        switch phase {
        case .saliency: saliency = strategy.saliencyAccumulator(holders: holders, weightCount: weights.count)
        case .forgetting, .contrastive: deltas = strategy.deltaAccumulator(holders: holders, mask: mask!)
        default: break
        }
        let asked = phase.asksEveryone ? participants : holders
        let required = phase.asksEveryone ? [] : holders
        quorum = PhaseQuorum(asked: asked, required: required, deadline: now + timeouts.seconds(for: phase))
        var actions: [JobAction] = [.checkpoint(checkpoint()), .save(record),
                                    .log("job \(record.id): \(phase.rawValue) (round \(Self.round(of: phase)), "
                                         + "\(asked.count) client(s), model v\(modelVersion))")]
        if resuming {
            actions += prelude(for: participants)
        } else if broadcastModel {
            actions.append(.send(.modelWeights(version: modelVersion, weights: weights), to: participants.sorted(),
                                 round: Self.round(of: phase)))
        }
        actions += phaseCommands().map { .send($0, to: asked.sorted(), round: Self.round(of: phase)) }
        return actions
    }

    /// What a client that lost its state (restart) needs before the current phase's request: the current model,
    /// and for holders the deletion (so they know their forget set). Mask and statistics travel with the phases.
    func prelude(for clients: Set<ClientID>) -> [JobAction] {
        let round = Self.round(of: record.phase)
        var actions: [JobAction] = [.send(.modelWeights(version: modelVersion, weights: weights),
                                          to: clients.sorted(), round: round)]
        let holding = clients.intersection(holders)
        if record.phase > .requested, !holding.isEmpty {
            actions.append(.send(.deletion(request), to: holding.sorted(), round: round))
        }
        return actions
    }

    /// The requests of the current phase (to the clients the quorum asks).
    func phaseCommands() -> [JobCommand] {
        let round = Self.round(of: record.phase)
        switch record.phase {
        case .requested: return [.deletion(request)]
        case .saliency: return [strategy.configureSaliency(modelVersion: modelVersion)]
        case .forgetting:
            return [.mask(mask!, modelVersion: modelVersion, fraction: strategy.unlearning.maskFraction),
                    strategy.configureDeltaPhase(.forget, modelVersion: modelVersion, round: round)]
        case .statistics:
            // The node validates the privacy parameters before any job starts (`FederationConfiguration.validate`);
            // falling back to exact statistics here would break the stated guarantee silently.
            guard let request = try? strategy.configureStatistics(modelVersion: modelVersion) else {
                preconditionFailure("privacy parameters that passed validation gave no noise σ")
            }
            return [request]
        case .contrastive:
            return [.mask(mask!, modelVersion: modelVersion, fraction: strategy.unlearning.maskFraction),
                    .globalStatistics(statistics!, modelVersion: modelVersion, contributors: statisticsContributors),
                    strategy.configureDeltaPhase(.contrastive, modelVersion: modelVersion, round: round)]
        case .verification: return [strategy.configureVerification(modelVersion: modelVersion)]
        case .mask, .published, .failed: return []
        }
    }

    /// Every client the phase asked has answered (or was dropped): aggregate and move on.
    mutating func finishPhase(now: Double) -> [JobAction] {
        do {
            switch record.phase {
            case .requested:
                return enter(.saliency, now: now)
            case .saliency:
                mask = try strategy.aggregateSaliency(saliency!)
                closePhaseTiming(now: now)
                record.phase = .mask
                return enter(.forgetting, now: now)
            case .forgetting:
                try applyDeltas(now: now)
                return enter(.statistics, now: now, broadcastModel: true)
            case .statistics:
                let reports = participants.sorted().compactMap { statisticsReports[$0] }
                statistics = try strategy.aggregateStatistics(reports)
                statisticsContributors = reports.count
                return enter(.contrastive, now: now)
            case .contrastive:
                try applyDeltas(now: now)
                return enter(.verification, now: now, broadcastModel: true)
            case .verification:
                return try publish(now: now)
            case .mask, .published, .failed:
                return []
            }
        } catch {
            return fail("\(record.phase.rawValue) aggregation failed: \(error)", now: now)
        }
    }

    /// θ ← θ + aggregated masked deltas; a new model version, broadcast to every participant by the next `enter`
    /// (after its checkpoint).
    private mutating func applyDeltas(now: Double) throws(AggregationError) {
        weights = try strategy.aggregateDeltas(deltas!, weights: weights)
        modelVersion += 1
    }

    private mutating func publish(now: Double) throws(AggregationError) -> [JobAction] {
        let metrics = try strategy.aggregateEvaluation(participants.sorted().compactMap { evaluations[$0] })
        closePhaseTiming(now: now)
        record.phase = .published
        record.publishedModelVersion = modelVersion
        record.modelHashAfter = SHA256.hex(weights.withUnsafeBytes { Data($0) })
        record.metricsJSON = (try? JSONEncoder().encode(metrics)).flatMap { String(data: $0, encoding: .utf8) }
        quorum = nil
        return [.publish(version: modelVersion, weights: weights, metrics: metrics), .save(record),
                .log("job \(record.id): published v\(modelVersion): UA \(format(metrics.ua)) RA \(format(metrics.ra)) "
                     + "TA \(format(metrics.ta)) MIA \(format(metrics.mia))"
                     + (metrics.asr.map { " ASR \(format($0)) (\(metrics.canarySamples ?? 0) triggered test images)" } ?? ""))]
    }

    func checkpoint() -> JobCheckpoint {
        JobCheckpoint(jobID: record.id, phase: record.phase, modelVersion: modelVersion, weights: weights, mask: mask,
                      statistics: statistics.map { Self.store($0, contributors: statisticsContributors) },
                      holders: holders.sorted())
    }

    private mutating func clearReplies() {
        saliency = nil
        deltas = nil
        statisticsReports = [:]
        evaluations = [:]
    }
}

private func format(_ value: Double) -> String { String(format: "%.2f", value) }

extension JobPhase {
    /// Statistics and verification ask every participant; the other phases only the forget holders.
    var asksEveryone: Bool { self == .statistics || self == .verification }
}
