import Foundation
import LetheFederation
import LetheLedger
import LetheTransport
import LetheWire

/// `StatusQuery` → `StatusReport`: what `lethe status --connect ADDR` shows from another host — the ledger in the
/// same JSON as `lethe status --json`, plus what only the running process knows (live sessions, current activity).
///
/// A submitter asks, like `DeletionRequest`: no Hello is needed, and over CURVE only allow-listed keys reach here
/// (ZAP). The reply is built from the job store, so it shows exactly what a restarted coordinator would resume from.
extension CoordinatorNode {
    func answerStatusQuery(from peer: PeerID, envelope queried: Lethe_V1_Envelope) {
        var report = Lethe_V1_StatusReport()
        do {
            let status = LedgerStatus(ledgerPath: (store as? Ledger)?.path ?? "memory", requests: try store.requests(),
                                      jobs: try store.jobs(), latest: try store.latestModelVersion(),
                                      certificates: try store.certificates())
            report.ledgerJson = String(decoding: try status.json(), as: UTF8.self)
        } catch {
            refuse(peer, code: .internal, envelope: queried, reason: "the ledger could not be read: \(error)")
            return
        }
        report.connectedClients = clients.alive.keys.sorted()
        report.activity = activity
        report.modelVersion = modelVersion
        // Encoded once: a ledger too big for one message (the peer would refuse it) is read where it lives.
        let body = Lethe_V1_Envelope.OneOf_Body.statusReport(report)
        let data: Data
        do {
            data = try WireCodec.encode(stamped(body, replyTo: queried.messageNumber))
        } catch {
            refuse(peer, code: .internal, envelope: queried, reason: "the status could not be encoded: \(error)")
            return
        }
        guard data.count <= configuration.limits.maxMessageBytes else {
            refuse(peer, code: .tooLarge, envelope: queried,
                   reason: "the ledger's status (\(data.count) bytes) exceeds one message of "
                       + "\(configuration.limits.maxMessageBytes); read it on the coordinator's host with "
                       + "lethe status --ledger PATH")
            return
        }
        do { try sendEncoded(data, of: body, to: peer) } catch { log("could not answer peer \(peer): \(error)") }
    }

    /// One phrase for what the node is doing now.
    var activity: String {
        if let job { return "job \(job.record.id): phase \(job.record.phase.rawValue)" }
        if let training {
            return "training \(training.plan.name): round \(min(training.completed + 1, training.plan.rounds)) of "
                + "\(training.plan.rounds)"
        }
        let quorum = max(1, configuration.quorumToStart)
        let waiting = pendingRuns.count + jobQueue.count + resumable.count
        if waiting > 0, clients.alive.count < quorum {
            return "waiting for clients (\(clients.alive.count) of \(quorum) needed) before \(waiting) queued "
                + (pendingRuns.isEmpty ? "job(s)" : "training run(s) and job(s)")
        }
        if isFinished { return "finished its --stop-after-jobs work" }
        return waiting == 0 ? "idle" : "\(waiting) activity(ies) queued"
    }
}
