import LetheFederation
import LetheWire

/// A client that answers a request with `staleModel` holds another model version than the request names (it
/// missed a ModelWeights, or it rejoined a restarted coordinator): it is sent the current model and the request
/// again, once per client, job and round, instead of being counted as failed and the round retried.
extension CoordinatorNode {
    /// Re-sends the model and the pending request to `client`; false when there is nothing to re-send or it was
    /// re-sent once already (the caller then treats the error as a failure).
    func resync(_ client: ClientID, envelope: Lethe_V1_Envelope) throws -> Bool {
        let key = "\(client)/\(envelope.jobID)/\(envelope.round)"
        guard !resynced.contains(key) else { return false }
        if let job, envelope.jobID == job.request.id {
            resynced.insert(key)
            log("job \(job.request.id): \(client) holds another model version; sending it the model and the request again")
            try jobEvent(.clientReturned(client, now: clock.now()))
            return true
        }
        guard envelope.jobID == "train", let round = training?.round, envelope.round == trainingRoundCounter,
              round.quorum.asked.contains(client) else { return false }
        resynced.insert(key)
        log("training: \(client) holds another model version; sending it model v\(modelVersion) and round "
            + "\(trainingRoundCounter) again")
        var sent = 0
        for body in ModelWeightsWire.bodies(version: modelVersion, weights: weights, maxElements: maxElements) {
            sent += send(body, to: client, jobID: "train", round: 0)
        }
        sent += send(.trainRequest(trainRequest(for: round)), to: client, jobID: "train", round: trainingRoundCounter)
        training?.report.bytesSent += UInt64(sent)
        return true
    }
}
