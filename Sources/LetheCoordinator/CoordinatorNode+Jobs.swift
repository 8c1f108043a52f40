import Foundation
import LetheFederation
import LetheTransport
import LetheWire

/// Deletion requests and unlearning jobs: durable before acknowledged, one job at a time, resumable.
extension CoordinatorNode {
    /// Records a request durably, *then* acknowledges it (contract step 4). A request id seen before gets its
    /// stored state again, so a client retrying after a lost ack never creates a second job.
    func receiveDeletion(_ message: Lethe_V1_DeletionRequest, from peer: PeerID, envelope: Lethe_V1_Envelope) throws {
        var ack = Lethe_V1_DeletionAck()
        ack.requestID = message.requestID
        do {
            if let existing = try store.request(id: message.requestID) {
                ack.state = existing.state == .done ? .done : existing.state == .rejected ? .rejected : .recorded
                ack.reason = existing.state == .rejected ? "rejected earlier" : ""
            } else {
                let scope = DeletionRequestRecord.scope(of: message)
                var record = DeletionRequestRecord(id: message.requestID, clientID: message.targetClientID, scope: scope,
                                                   reason: DeletionRequestRecord.reason(of: message),
                                                   receivedAt: clock.date())
                let problem = deletionProblem(record)
                if problem != nil { record.state = .rejected }
                try store.recordRequest(record)
                ack.state = problem == nil ? .recorded : .rejected
                ack.reason = problem ?? ""
                if problem == nil { jobQueue.append(record.id) }
                log("deletion request \(record.id) for \(record.clientID) (\(scope), \(record.reason.rawValue)): "
                    + (problem.map { "rejected: \($0)" } ?? "recorded"))
            }
        } catch {
            refuse(peer, code: .internal, envelope: envelope,
                   reason: "the request could not be recorded (\(error)); it is NOT acknowledged, retry later")
            return
        }
        requesters[message.requestID] = peer
        sendRaw(.deletionAck(ack), to: peer, jobID: message.requestID, replyTo: envelope.messageNumber)
    }

    /// Starts the next unfinished or queued job when the federation is idle and enough clients are present.
    func startNextJob(now: Double) throws {
        let configurationJSON = (try? JSONEncoder().encode(configuration.federation))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        let record: JobRecord
        var checkpoint: JobCheckpoint?
        if !resumable.isEmpty {
            if let published = try alreadyPublished(resumable[0]) {
                try recordCompletion(of: resumable.removeFirst(), published: published)  // no client needed
                return
            }
            let problem: String?
            (checkpoint, problem) = resumeCheckpoint(of: resumable[0].id)
            guard resumeReady(checkpoint, now: now) else { return }
            record = resumable.removeFirst()
            resumeWaitSince = nil
            if let problem { log("job \(record.id): \(problem); it starts again from its base model") }
        } else if !jobQueue.isEmpty {
            let requestID = jobQueue.removeFirst()
            let attempts = try store.jobs().filter { $0.requestID == requestID }.count
            record = JobRecord(id: "\(requestID)-job\(attempts + 1)", requestID: requestID,
                               baseModelVersion: modelVersion, modelHashBefore: SHA256.hex(weights.withUnsafeBytes { Data($0) }),
                               configurationJSON: configurationJSON, updatedAt: clock.date())
        } else {
            return
        }
        guard let request = try store.request(id: record.requestID) else {
            log("job \(record.id) names request \(record.requestID), which the store does not hold; skipped")
            return
        }
        try store.updateRequestState(id: request.id, to: .running)
        let unlearning = configuration.federation.unlearning.resolved(for: request.scope, reason: request.reason)
        job = UnlearningJob(record: record, request: request, participants: clients.aliveLabels, weights: weights,
                            strategy: FederatedWSSCL(unlearning: unlearning, rule: configuration.federation.aggregation),
                            timeouts: configuration.federation.timeouts, checkpoint: checkpoint)
        jobReport = ActivityReport(name: "wss-cl", kind: "unlearning")
        jobReport?.requestID = request.id
        jobStartedAt = now
        try jobEvent(.start(now: now))
    }

    /// The job's checkpoint, or nil and why it cannot be used (a damaged file is not resumed from).
    private func resumeCheckpoint(of jobID: String) -> (JobCheckpoint?, problem: String?) {
        do { return (try archive.loadCheckpoint(jobID: jobID), nil) } catch { return (nil, "\(error)") }
    }

    /// Whether an unfinished job found at restart may resume now: once its forget holders (from the checkpoint) and
    /// every expected client have said Hello again, so the job does not start against an empty roster and fail with
    /// "no registered client holds the data". If they are not all back within the timeout of the checkpointed
    /// phase, it resumes anyway with those present; a missing holder then fails the phase at its timeout with the
    /// usual reason.
    private func resumeReady(_ checkpoint: JobCheckpoint?, now: Double) -> Bool {
        let needed = Set(checkpoint?.holders ?? []).union(configuration.expectedClients)
        let alive = Set(clients.alive.keys)
        if needed.isSubset(of: alive) && !alive.isEmpty { return true }
        let since = resumeWaitSince ?? now
        resumeWaitSince = since
        let limit = configuration.federation.timeouts.seconds(for: checkpoint?.phase ?? .requested)
        if now - since < limit { return false }
        log("resuming without \(needed.subtracting(alive).sorted()): not back within \(Int(limit)) s")
        return true
    }

    /// Applies one event to the running job and carries out its actions.
    func jobEvent(_ event: JobEvent) throws {
        guard var running = job else { return }
        job = nil  // `running` is then the only reference: the phase's accumulators grow in place, not copied per reply
        let actions = running.handle(event)
        job = running
        for action in actions { try perform(action) }
        if let finished = job, finished.record.isFinished { finishJob(finished) }
    }

    private func perform(_ action: JobAction) throws {
        switch action {
        case .send(let command, let targets, let round):
            sendJobCommand(command, to: targets, round: round)
        case .refuse(let client, let refusal, let reason):
            if let line = refusals.note("job \(refusal)", "refused a message from \(client): \(reason)") { log(line) }
            var error = Lethe_V1_Error()
            (error.code, error.message) = (refusal.errorCode, reason)
            if let peer = clients.peer(of: client) { sendError(error, to: peer) }
        case .save(var record):
            record.phaseBytes = job?.record.phaseBytes ?? record.phaseBytes
            record.updatedAt = clock.date()
            try store.saveJob(record)
            if record.phase == .failed {
                let rejected = record.failureReason?.contains("rejected request") == true
                try store.updateRequestState(id: record.requestID, to: rejected ? .rejected : .recorded)
            }
        case .checkpoint(let checkpoint):
            try archive.saveCheckpoint(checkpoint)
        case .publish(let version, let newWeights, let metrics):
            try publishJobModel(version: version, weights: newWeights, metrics: metrics)
        case .failed(let reason):
            log("job \(job?.record.id ?? "") failed: \(reason)")
            jobReport?.failure = reason
        case .log(let line):
            log(line)
        }
    }

    private func finishJob(_ finished: UnlearningJob) {
        let done = finished.record.phase == .published
        if done { certify(jobID: finished.record.id) }
        notifyRequester(finished.request.id, state: done ? .done : .failed,
                        detail: done ? "published model v\(modelVersion)" : finished.record.failureReason ?? "failed")
        if var report = jobReport {
            report.seconds = clock.now() - jobStartedAt
            report.phaseSeconds = finished.record.phaseSeconds
            report.phaseBytes = finished.record.phaseBytes
            report.bytesSent = finished.record.phaseBytes.filter { $0.key.hasSuffix(".sent") }.values.reduce(0, +)
            report.bytesReceived = finished.record.phaseBytes.filter { $0.key.hasSuffix(".received") }.values.reduce(0, +)
            addReport(report)
        }
        job = nil
        jobReport = nil
        finishedJobs += 1
    }
}

extension Refusal {
    /// The protocol's error code for a refusal.
    var errorCode: Lethe_V1_ErrorCode {
        switch self {
        case .unknownClient: .unauthorized
        case .staleRound: .staleRound
        case .unexpected: .unexpectedMessage
        case .invalid: .invalidValue
        }
    }
}
