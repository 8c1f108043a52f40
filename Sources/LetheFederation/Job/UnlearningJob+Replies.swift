import LetheTensor
/// Checking and storing clients' replies: everything a client sends is judged here before it counts.
extension UnlearningJob {
    mutating func receive(_ reply: JobReply, from client: ClientID, round: UInt64, now: Double) -> [JobAction] {
        guard participants.contains(client) else {
            return [.refuse(client, .unknownClient, reason: "\(client) is not a participant of job \(record.id)")]
        }
        if case .deletionAck(let recorded, let reason) = reply, record.phase != .requested, holders.contains(client) {
            // A holder re-acknowledging the deletion forwarded again after a resume or reconnect.
            return recorded ? [] : fail("forget holder \(client) rejected request \(request.id): \(reason)", now: now)
        }
        let expectedRound = Self.round(of: record.phase)
        guard round == expectedRound else {
            return [.refuse(client, .staleRound, reason: "round \(round) is not the job's current round "
                            + "\(expectedRound) (\(record.phase.rawValue)); a replayed or late message")]
        }
        guard reply.phase == record.phase, var current = quorum, current.asked.contains(client) else {
            return [.refuse(client, .unexpected, reason: "job \(record.id) is in phase \(record.phase.rawValue) and "
                            + "did not ask \(client) for this message")]
        }
        guard !current.answered.contains(client) else {
            return [.refuse(client, .staleRound, reason: "\(client) already answered round \(round); replay refused")]
        }
        if let problem = store(reply, from: client) {
            return problem.isFatal ? fail(problem.reason, now: now) : [.refuse(client, problem.refusal, reason: problem.reason)]
        }
        _ = current.record(client)
        quorum = current
        return current.isComplete ? finishPhase(now: now) : []
    }

    struct ReplyProblem {
        var refusal: Refusal
        var reason: String
        var isFatal = false
    }

    /// Stores a reply of the current phase, or says why it cannot be used.
    private mutating func store(_ reply: JobReply, from client: ClientID) -> ReplyProblem? {
        switch reply {
        case .deletionAck(let recorded, let reason):
            return recorded ? nil : ReplyProblem(refusal: .invalid, reason: "forget holder \(client) rejected request "
                                                 + "\(request.id): \(reason)", isFatal: true)
        case .saliency(let report, let version):
            if let problem = checkVersion(version, client) { return problem }
            guard report.scores.weightCount == weights.count else {
                return ReplyProblem(refusal: .invalid, reason: "saliency covers \(report.scores.weightCount) weights, "
                                    + "the model has \(weights.count)")
            }
            do {
                try saliency!.add(report, from: client)
            } catch {
                return ReplyProblem(refusal: .invalid, reason: "saliency from \(client): \(error)", isFatal: true)
            }
        case .delta(_, let contribution, let version):
            if let problem = checkVersion(version, client) { return problem }
            do {
                try deltas!.add(contribution, from: client)
            } catch {
                return ReplyProblem(refusal: .invalid, reason: "\(error)")
            }
        case .statistics(let stats, let version):
            if let problem = checkVersion(version, client) { return problem }
            statisticsReports[client] = stats
        case .evaluation(let metrics, let version):
            if let problem = checkVersion(version, client) { return problem }
            evaluations[client] = metrics
        }
        return nil
    }

    private func checkVersion(_ version: UInt64, _ client: ClientID) -> ReplyProblem? {
        version == modelVersion ? nil : ReplyProblem(refusal: .staleRound, reason: "\(client) answered for model "
                                                     + "v\(version); the job is at v\(modelVersion)")
    }
}
