import LetheWire

/// Deletion requests forwarded by the coordinator: which local samples the request names.
extension ClientNode {
    /// DeletionRequest: map the scope to local positions and record them as deleted (never trained on again).
    /// Sample ids this client does not hold reject the whole request ("no such ids"), so a typo cannot silently
    /// forget less than was asked. A request seen before gets its first answer again.
    func handleDeletionRequest(_ request: Lethe_V1_DeletionRequest, _ message: Lethe_V1_Envelope,
                               state: inout ClientState) -> [Lethe_V1_Envelope] {
        if let known = state.deletions[request.requestID] { return [reply(to: message, .deletionAck(known.ack))] }
        var ack = Lethe_V1_DeletionAck()
        ack.requestID = request.requestID
        var job = DeletionJob(ack: ack, forgetPositions: [], forgottenClass: nil)
        switch selectPositions(request) {
        case .success(let selection):
            job.ack.state = .recorded
            job.forgetPositions = selection.positions
            job.forgottenClass = selection.forgottenClass
            // A whole client's data is a sample of classes other clients hold too: like sample ids it should end up
            // looking unseen (held-out-quantile targets), not unknown (uniform targets emptied the model of every
            // class: UA 89.8, TA 10.5 at full size, BENCHMARKS.md). Only a class deletion is one.
            // A poisoned contribution's labels are not to be trusted: it should end up classified as the rest of
            // the data teaches (`other-classes` targets), which the coordinator allows only for ids or a client.
            if case .classLabel = request.scope { job.kind = .wholeClass }
            else if request.reason == .poisoned { job.kind = .poisoned }
            state.deletedPositions.formUnion(selection.positions)
            log("deletion \(request.requestID): recorded \(selection.positions.count) local sample(s) to forget "
                + "(\(job.kind.rawValue) reading)")
        case .failure(let refusal):
            job.ack.state = .rejected
            job.ack.reason = refusal.reason
            log("deletion \(request.requestID): rejected (\(refusal.reason))")
        }
        state.deletions[request.requestID] = job
        return [reply(to: message, .deletionAck(job.ack))]
    }

    /// Why a deletion request was rejected (the DeletionAck's reason).
    struct Refusal: Error { let reason: String }

    /// Local positions named by the request's scope, or why none can be.
    func selectPositions(_ request: Lethe_V1_DeletionRequest)
        -> Result<(positions: [Int], forgottenClass: Int?), Refusal>
    {
        let me = configuration.clientID
        switch request.scope {
        case .samples(let samples):
            guard request.targetClientID == me else {
                return .failure(Refusal(reason: "the request targets client \(request.targetClientID), not \(me)"))
            }
            let ids = samples.ids.map { Int(exactly: $0) ?? -1 }
            let (positions, unknown) = data.positions(ofIDs: ids)
            guard unknown.isEmpty else {
                let shown = unknown.prefix(5).map { $0 < 0 ? "out of range" : String($0) }.joined(separator: ", ")
                return .failure(Refusal(reason: "no such ids: \(unknown.count) of \(ids.count) are not held by "
                                        + "\(me) (\(shown)\(unknown.count > 5 ? ", …" : ""))"))
            }
            return .success((positions, nil))
        case .classLabel(let label):
            let positions = Int(label) < data.classCount ? data.train.indices(ofClass: Int(label)) : []
            guard !positions.isEmpty else {
                return .failure(Refusal(reason: "no such ids: \(me) holds no sample of class \(label)"))
            }
            return .success((positions, Int(label)))
        case .wholeClient:
            guard request.targetClientID == me else {
                return .failure(Refusal(reason: "the request targets client \(request.targetClientID), not \(me)"))
            }
            return .success((Array(0..<data.train.count), nil))
        case nil:
            return .failure(Refusal(reason: "the request names no scope"))
        }
    }

    /// The recorded job of `requestID` with forget data here, or `.unknownRequest`.
    func holderJob(_ requestID: String, state: ClientState) throws(ClientError) -> DeletionJob {
        guard let job = state.deletions[requestID], job.isHolder else { throw .unknownRequest(requestID) }
        return job
    }
}
