import Foundation
import LetheFederation
import LetheWire

/// One FedAvg training run (the original model, or a comparison): its rounds, its report.
struct TrainingRun {
    struct Plan: Equatable {
        /// Where the run's weights come from: the node's current model, `initialWeights`, the original, a
        /// `LoadedOriginal` (no rounds: published as is), or nowhere (a skipped run: nothing trained or published).
        enum Start: Equatable { case current, initial, original, loaded, skipped }
        var name: String
        var rounds: Int
        var start: Start
    }

    var plan: Plan
    var completed = 0
    var round: TrainingRound?
    var report: ActivityReport
    var startedAt: Double
    /// Rounds failed in a row, and when the next try starts (nil while a round runs or none failed).
    var failuresInARow = 0
    var retryAt: Double?

    /// Seconds to wait before the next try after `failures` failed rounds in a row: 0.5 s doubling to 30 s, so a
    /// round that cannot succeed (no client answers, every update refused) costs a bounded rate of tries.
    static func retryDelay(afterFailures failures: Int) -> Double {
        min(30, 0.5 * Double(1 << min(max(failures, 1) - 1, 10)))
    }
}

/// FedAvg runs and the scheduling of everything the node does, one activity at a time.
extension CoordinatorNode {
    /// Starts the next thing to do when idle: training runs first, then deletion jobs, then comparisons.
    func schedule(now: Double) throws {
        guard !isFinished, training == nil, job == nil else { return }
        guard clients.alive.count >= max(1, configuration.quorumToStart) else { return }
        if !pendingRuns.isEmpty {
            try startRun(pendingRuns.removeFirst(), now: now)
        } else if !resumable.isEmpty || !jobQueue.isEmpty {
            try startNextJob(now: now)
        } else if let stop = configuration.stopAfterJobs, finishedJobs >= stop {
            if comparisonsQueued || configuration.comparisons.isEmpty {
                isFinished = true
                return
            }
            comparisonsQueued = true
            pendingRuns = configuration.comparisons.map { comparison in
                switch comparison {
                case .retrain(let rounds): TrainingRun.Plan(name: "retrain", rounds: rounds, start: .initial)
                case .retrainAgain(let rounds): TrainingRun.Plan(name: "retrain-2", rounds: rounds, start: .initial)
                case .fineTune(let rounds): TrainingRun.Plan(name: "ft", rounds: rounds, start: .original)
                case .skipped(let rounds): TrainingRun.Plan(name: "skipped", rounds: rounds, start: .skipped)
                }
            }
        }
    }

    private func startRun(_ plan: TrainingRun.Plan, now: Double) throws {
        switch plan.start {
        case .skipped: return skipRun(plan)
        case .loaded: return try publishLoadedOriginal(plan, now: now)
        default: break
        }
        training = TrainingRun(plan: plan, report: ActivityReport(name: plan.name, kind: "training"), startedAt: now)
        if plan.start != .current {
            weights = plan.start == .initial ? initialWeights : (originalWeights ?? weights)
            modelVersion += 1
            broadcastModel(phaseKey: "setup")
        }
        log("training \(plan.name): \(plan.rounds) round(s) from model v\(modelVersion) with \(clients.alive.count) client(s)")
        if plan.rounds == 0 { try finishRun() } else { startRound(now: now) }
    }

    private func startRound(now: Double) {
        guard var run = training else { return }
        trainingRoundCounter += 1
        let strategy = FederatedTraining(training: configuration.federation.training,
                                         rule: configuration.federation.aggregation)
        let asked = strategy.sampleClients(Set(clients.alive.keys), round: trainingRoundCounter)
        let round = TrainingRound(round: trainingRoundCounter, modelVersion: modelVersion, weightCount: weights.count,
                                  clients: asked, strategy: strategy, now: now,
                                  timeout: configuration.federation.timeouts.training)
        let request = trainRequest(for: round)
        // With a fraction of clients per round, rounds do not broadcast their model to everyone; a sampled client
        // that missed the last versions gets the current model first.
        var sent = sampledRounds ? sendModel(to: asked.filter { modelSent[$0] != modelVersion }.sorted()) : 0
        for client in round.quorum.asked.sorted() {
            sent += send(.trainRequest(request), to: client, jobID: "train", round: trainingRoundCounter)
        }
        run.report.bytesSent += UInt64(sent)
        run.report.phaseBytes["round-\(run.completed + 1).sent", default: 0] += UInt64(sent)
        run.round = round
        run.retryAt = nil
        training = run
        log("training \(run.plan.name): round \(run.completed + 1)/\(run.plan.rounds) (wire round \(trainingRoundCounter)) "
            + "asked \(round.quorum.asked.count) of \(clients.alive.count) client(s)")
    }

    /// Whether rounds ask a sample of the clients (`fractionFit` < 1) rather than all of them.
    var sampledRounds: Bool { configuration.federation.training.fractionFit < 1 }

    /// The TrainRequest of `round` (sent when it starts, and again to a client re-sent the model).
    func trainRequest(for round: TrainingRound) -> Lethe_V1_TrainRequest {
        var request = Lethe_V1_TrainRequest()
        let i = round.instruction
        (request.modelVersion, request.localEpochs, request.batchSize) = (i.modelVersion, UInt32(i.localEpochs), UInt32(i.batchSize))
        (request.learningRate, request.momentum, request.weightDecay, request.seed) = (i.learningRate, i.momentum, i.weightDecay, i.seed)
        return request
    }

    /// After a failed round: the next try waits `TrainingRun.retryDelay`, and the cause is logged once with a count
    /// (a round that fails every turn wrote ~16,000 lines in two minutes before).
    private func scheduleRetry(_ reason: String, now: Double) {
        guard var run = training else { return }
        run.round = nil
        run.failuresInARow += 1
        let delay = TrainingRun.retryDelay(afterFailures: run.failuresInARow)
        run.retryAt = now + delay
        training = run
        // The cause without the round's number, so every try of one stuck round counts as the same cause.
        let cause = reason.replacingOccurrences(of: "round \(trainingRoundCounter) ", with: "the round ")
        if let line = repeats.note("training \(run.plan.name): \(cause)") {
            log(line + String(format: "; retrying the round in %.1f s (the wait doubles up to 30 s)", delay))
        }
    }

    /// Starts the retry of a failed round once its wait is over.
    func retryRoundIfDue(now: Double) {
        guard let retryAt = training?.retryAt, training?.round == nil, now >= retryAt else { return }
        startRound(now: now)
    }

    func trainingEvent(_ event: TrainingRound.Event) throws {
        guard var run = training, var round = run.round else { return }
        let outcome = round.handle(event)
        run.round = round
        training = run
        switch outcome {
        case .waiting:
            return
        case .refuse(let client, let refusal, let reason):
            if let line = refusals.note("training \(refusal)", "refused a train_update from \(client): \(reason)") {
                log(line)
            }
            var error = Lethe_V1_Error()
            (error.code, error.message) = (refusal.errorCode, reason)
            if let peer = clients.peer(of: client) { sendError(error, to: peer) }
        case .aggregated(let newWeights, let loss, let accuracy, let contributors):
            weights = newWeights
            modelVersion += 1
            run.completed += 1
            run.failuresInARow = 0
            run.report.roundLoss = (run.report.roundLoss ?? []) + [loss]
            run.report.roundAccuracy = (run.report.roundAccuracy ?? []) + [accuracy]
            training = run
            if let line = repeats.resolve() { log(line) }
            log(String(format: "training %@: round %d/%d done, %d update(s), mean local loss %.4f → model v%llu",
                       run.plan.name, run.completed, run.plan.rounds, contributors.count, loss, modelVersion))
            // Sampled rounds send the model only to the next round's clients; everyone gets the final one.
            if !sampledRounds || run.completed >= run.plan.rounds { broadcastModel(phaseKey: "round-\(run.completed)") }
            if run.completed >= run.plan.rounds { try finishRun() } else { startRound(now: clock.now()) }
        case .failed(let reason):
            scheduleRetry(reason, now: clock.now())
        }
    }

    func broadcastModel(phaseKey: String) {
        let sent = sendModel(to: clients.alive.keys.sorted())
        training?.report.bytesSent += UInt64(sent)
        training?.report.phaseBytes["\(phaseKey).sent", default: 0] += UInt64(sent)
    }

    /// Sends the current model to `targets` and notes that they hold it; returns the bytes sent.
    func sendModel(to targets: [ClientID]) -> Int {
        var sent = 0
        for body in ModelWeightsWire.bodies(version: modelVersion, weights: weights, maxElements: maxElements) {
            for client in targets { sent += send(body, to: client, jobID: "train", round: 0) }
        }
        for client in targets { modelSent[client] = modelVersion }
        return sent
    }

    /// Publishes the run's model (with its wall seconds as `train_seconds`, which `--initial-model` reads back)
    /// and reports it. A loaded original reports the seconds its checkpoint recorded instead.
    func finishRun() throws {
        guard var run = training else { return }
        let loaded = run.plan.start == .loaded ? loadedOriginal : nil
        run.report.seconds = loaded?.trainSeconds ?? (clock.now() - run.startedAt)
        run.report.loadedFrom = loaded?.source
        let origin = loaded.map { "fedavg \(run.plan.name), loaded from \($0.source)" }
            ?? "fedavg \(run.plan.name), \(run.completed) rounds"
        let (path, sha) = try archive.publish(version: modelVersion, weights: weights, metadata: [
            "origin": loaded == nil ? "fedavg \(run.plan.name)" : origin, "train_seconds": "\(run.report.seconds)"])
        try store.recordModelVersion(ModelVersionRecord(version: modelVersion, sha256: sha, path: path, origin: origin,
                                                        createdAt: clock.date()))
        if run.plan.name == "original" { originalWeights = weights }
        run.report.modelVersion = modelVersion
        run.report.modelPath = path
        log("training \(run.plan.name): published model v\(modelVersion) (\(String(format: "%.1f", run.report.seconds)) s)")
        addReport(run.report)
        training = nil
    }

    func clientDied(_ client: ClientID, now: Double) throws {
        reassembly[client] = nil
        try trainingEvent(.clientDied(client))
        try jobEvent(.clientDied(client, now: now))
    }

    func tick(now: Double) throws {
        retryRoundIfDue(now: now)
        try trainingEvent(.tick(now: now))
        try jobEvent(.tick(now: now))
    }

    func addReport(_ report: ActivityReport) {
        var report = report
        report.messages = wireCensus.since(censusAtLastReport)
        censusAtLastReport = wireCensus
        reports.append(report)
        writeCensus()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let url = configuration.outputDirectory.appendingPathComponent("activities.json")
        do {
            try FileManager.default.createDirectory(at: configuration.outputDirectory, withIntermediateDirectories: true)
            try encoder.encode(reports).write(to: url, options: .atomic)
        } catch {
            log("could not write \(url.path): \(error)")
        }
    }

    /// Writes the whole census so far as `wire-census.json` in the output folder (also after every report).
    public func writeCensus() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let url = configuration.outputDirectory.appendingPathComponent("wire-census.json")
        do {
            try FileManager.default.createDirectory(at: configuration.outputDirectory, withIntermediateDirectories: true)
            try encoder.encode(wireCensus).write(to: url, options: .atomic)
        } catch {
            log("could not write \(url.path): \(error)")
        }
    }
}
