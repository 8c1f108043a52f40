import Foundation

/// Runs that train nothing: an original published from a checkpoint (`LoadedOriginal`) and a skipped comparison.
///
/// Both keep the numbering of the run they replace. A FedAvg run of R rounds from the current model ends at model
/// version +R and uses wire rounds +1…+R; a comparison run adds one more version for the model it starts from. The
/// wire round seeds each client's shuffles (`FederatedTraining.configureRound`) and the model version enters the
/// clients' statistics noise, so a later run (Retrain after a loaded original, FT after a skipped Retrain) trains
/// exactly as it would have after the real run.
extension CoordinatorNode {
    /// Publishes the loaded weights as the original at the version R rounds of FedAvg would have reached, sends them
    /// to the clients, and reports the checkpoint's training seconds with `loadedFrom` set.
    func publishLoadedOriginal(_ plan: TrainingRun.Plan, now: Double) throws {
        guard let loaded = loadedOriginal else { return }
        training = TrainingRun(plan: plan, report: ActivityReport(name: plan.name, kind: "training"), startedAt: now)
        weights = loaded.weights
        modelVersion += UInt64(plan.rounds)
        trainingRoundCounter += UInt64(plan.rounds)
        training?.completed = plan.rounds
        broadcastModel(phaseKey: "setup")
        log(String(format: "training %@: loaded from %@ instead of %d FedAvg round(s) (trained in %.1f s on a "
                   + "previous run) → model v%llu", plan.name, loaded.source, plan.rounds, loaded.trainSeconds,
                   modelVersion))
        try finishRun()
    }

    /// Uses up a skipped run's versions (one for its start, one per round) and wire rounds; trains nothing.
    func skipRun(_ plan: TrainingRun.Plan) {
        modelVersion += 1 + UInt64(plan.rounds)
        trainingRoundCounter += UInt64(plan.rounds)
        log("skipping a \(plan.rounds)-round comparison run: model versions up to v\(modelVersion) and "
            + "\(plan.rounds) wire round(s) are left unused, so the runs after it keep their seeds")
    }
}
