import Foundation
import LetheTensor
import LetheWire

/// One federated unlearning job as an explicit state machine: events in, actions out (ARCHITECTURE.md, "Data flow
/// of one federated deletion", steps 2–7).
///
/// The value owns the job's progress — phase, quorum, model, mask and statistics — and nothing else: no sockets, no
/// files, no clock of its own (`now` arrives with each event from the node's injected clock). Phases run in the order
/// of `JobPhase`: `requested` (the deletion is forwarded to the forget holders, who acknowledge) → `saliency` →
/// `mask` (aggregated at once) → `forgetting` → `statistics` → `contrastive` → `verification` → `published`, or
/// `failed` with a reason. Envelope rounds within the job are fixed per phase (`round(of:)`), so a reply from another
/// phase, a replay of an answered message, or a message from a client outside the job is refused as data.
///
/// Quorum: holders must answer every phase they are asked (a dead holder is waited for until the phase timeout,
/// then the job fails with a clear reason); non-holders answer statistics and verification and are dropped when they
/// die or miss the deadline.
public struct UnlearningJob: Sendable {
    public internal(set) var record: JobRecord
    public let request: DeletionRequestRecord
    public let strategy: FederatedWSSCL
    public let timeouts: FederationConfiguration.PhaseTimeouts
    /// Clients taking part (the live roster at the start, less dropped non-holders).
    public internal(set) var participants: Set<ClientID>
    /// Clients holding forget data.
    public let holders: Set<ClientID>
    public internal(set) var modelVersion: UInt64
    public internal(set) var weights: [Float]
    public internal(set) var mask: WeightMask?
    public internal(set) var statistics: WireFeatureStatistics?
    public internal(set) var statisticsContributors = 0
    public internal(set) var quorum: PhaseQuorum?
    var resumeFrom: JobCheckpoint?
    var phaseStartedAt = 0.0
    /// The saliency phase's reports, folded as they arrive (nil in the other phases).
    var saliency: SaliencyAccumulator?
    /// The current delta phase's answers, folded as they arrive (nil outside the forgetting and contrastive phases).
    var deltas: DeltaAccumulator?
    var statisticsReports: [ClientID: WireFeatureStatistics] = [:]
    var evaluations: [ClientID: WireMetrics] = [:]

    /// A job over `participants` (id → class labels from its Hello), starting from `weights` of the record's base
    /// version, or resuming from `checkpoint` when a restarted coordinator found one. A resumed job takes its forget
    /// holders from the checkpoint (not from the Hellos, which no longer list a deleted class) and keeps them as
    /// participants even if one has not re-registered yet (it is then waited for until the phase timeout).
    public init(record: JobRecord, request: DeletionRequestRecord, participants: [ClientID: Set<UInt32>],
                weights: [Float], strategy: FederatedWSSCL, timeouts: FederationConfiguration.PhaseTimeouts,
                checkpoint: JobCheckpoint? = nil) {
        self.record = record
        self.request = request
        self.strategy = strategy
        self.timeouts = timeouts
        let holders = checkpoint?.holders.map(Set.init) ?? Self.forgetHolders(of: request, participants: participants)
        self.holders = holders
        self.participants = Set(participants.keys).union(checkpoint == nil ? [] : holders)
        self.modelVersion = checkpoint?.modelVersion ?? record.baseModelVersion
        self.weights = checkpoint?.weights ?? weights
        self.mask = checkpoint?.mask
        self.statistics = checkpoint?.statistics.map(Self.restore)
        self.statisticsContributors = checkpoint?.statistics?.contributors ?? 0
        self.resumeFrom = checkpoint
    }

    /// Forget holders (contract step 4): the target for sample ids and whole clients; for a class, every
    /// participant whose Hello listed it.
    public static func forgetHolders(of request: DeletionRequestRecord,
                                     participants: [ClientID: Set<UInt32>]) -> Set<ClientID> {
        switch request.scope {
        case .samples, .wholeClient:
            return participants[request.clientID] == nil ? [] : [request.clientID]
        case .wholeClass(let label):
            return Set(participants.filter { $0.value.contains(UInt32(label)) }.keys)
        }
    }

    /// The envelope round of each phase within a job (1 for the forwarded deletion, 2 for saliency, …).
    public static func round(of phase: JobPhase) -> UInt64 {
        UInt64(JobPhase.allCases.firstIndex(of: phase)! + 1)
    }

    /// Adds bytes sent or received on the job's behalf to the current phase's tally, under the keys
    /// "<phase>.sent" and "<phase>.received" of `JobRecord.phaseBytes`.
    public mutating func addBytes(_ count: Int, sent: Bool) {
        record.phaseBytes["\(record.phase.rawValue).\(sent ? "sent" : "received")", default: 0] += UInt64(count)
    }

    /// The one entry point: applies `event` and returns what the node must do, in order.
    public mutating func handle(_ event: JobEvent) -> [JobAction] {
        guard !record.isFinished else { return [] }
        switch event {
        case .start(let now): return start(now: now)
        case .reply(let from, let round, let reply, let now): return receive(reply, from: from, round: round, now: now)
        case .clientDied(let client, let now): return died(client, now: now)
        case .clientReturned(let client, let now): return returned(client, now: now)
        case .clientFailed(let client, let round, let reason, let now):
            return failed(client, round: round, reason: reason, now: now)
        case .tick(let now): return tick(now: now)
        }
    }

    private mutating func start(now: Double) -> [JobAction] {
        guard !holders.isEmpty else {
            return fail("no registered client holds the data of request \(request.id); "
                        + "check the target client id and that it has said Hello", now: now)
        }
        guard let checkpoint = resumeFrom, checkpoint.phase > .requested else {
            return enter(.requested, now: now)
        }
        resumeFrom = nil
        // A checkpoint at `mask` lacks nothing the forgetting phase needs only if the mask was stored.
        let phase = checkpoint.phase == .mask ? (mask == nil ? .saliency : .forgetting) : checkpoint.phase
        var actions: [JobAction] = [.log("job \(record.id): resuming at \(phase.rawValue), model v\(modelVersion)")]
        actions += enter(phase, now: now, prelude: true)
        return actions
    }

    private mutating func died(_ client: ClientID, now: Double) -> [JobAction] {
        guard participants.contains(client) else { return [] }
        if holders.contains(client) {
            _ = quorum?.clientDied(client)
            return [.log("job \(record.id): forget holder \(client) is down; waiting for it until the "
                         + "\(record.phase.rawValue) timeout")]
        }
        return dropNonHolder(client, because: "dead", now: now)
    }

    /// An Error in answer to the current phase: a holder's ends the job now with the client's reason (waiting for
    /// the phase timeout could not bring its data back), a non-holder's drops it as if it had died. Errors about
    /// another round, or from a client that already answered, are not the phase's business (the node logs them).
    private mutating func failed(_ client: ClientID, round: UInt64, reason: String, now: Double) -> [JobAction] {
        guard participants.contains(client), round == Self.round(of: record.phase),
              quorum?.isPending(client) == true else { return [] }
        if holders.contains(client) {
            return fail("forget holder \(client) could not carry out the \(record.phase.rawValue) phase: \(reason)",
                        now: now)
        }
        return dropNonHolder(client, because: "error: \(reason)", now: now)
    }

    /// Takes a non-holder out of the job and the phase's quorum; finishes the phase if it was the last one awaited.
    private mutating func dropNonHolder(_ client: ClientID, because cause: String, now: Double) -> [JobAction] {
        participants.remove(client)
        _ = quorum?.clientDied(client)
        var actions: [JobAction] = [.log("job \(record.id): dropped non-holder \(client) (\(cause))")]
        if quorum?.isComplete == true { actions += finishPhase(now: now) }
        return actions
    }

    private mutating func returned(_ client: ClientID, now: Double) -> [JobAction] {
        guard participants.contains(client), quorum?.clientReturned(client) == true else { return [] }
        var actions: [JobAction] = [.log("job \(record.id): \(client) is back; asking it again")]
        actions += prelude(for: [client])
        actions += phaseCommands().map { .send($0, to: [client], round: Self.round(of: record.phase)) }
        return actions
    }

    private mutating func tick(now: Double) -> [JobAction] {
        // The deadline is checked before any set arithmetic: a tick comes with every coordinator step, and with a
        // thousand-client quorum the subtraction below was the coordinator's main cost.
        guard var current = quorum, now >= current.deadline else { return [] }
        let late = current.pending.subtracting(current.required)
        guard let missing = current.expire(now: now) else { return [] }
        quorum = current
        if !missing.isEmpty {
            let names = missing.sorted().joined(separator: ", ")
            let down = missing.isSubset(of: current.down) ? " (disconnected)" : ""
            return fail("forget holder \(names)\(down) did not answer the \(record.phase.rawValue) phase within "
                        + "\(Int(timeouts.seconds(for: record.phase))) s; the job cannot go on without its data",
                        now: now)
        }
        participants.subtract(late)
        var actions: [JobAction] = late.sorted().map {
            .log("job \(record.id): dropped non-holder \($0) (no answer to \(record.phase.rawValue) in time)")
        }
        actions += finishPhase(now: now)
        return actions
    }

    mutating func fail(_ reason: String, now: Double) -> [JobAction] {
        closePhaseTiming(now: now)
        record.phase = .failed
        record.failureReason = reason
        quorum = nil
        return [.save(record), .failed(reason: reason)]
    }

    mutating func closePhaseTiming(now: Double) {
        record.phaseSeconds[record.phase.rawValue, default: 0] += max(0, now - phaseStartedAt)
        phaseStartedAt = now
    }

    static func restore(_ stored: JobCheckpoint.StoredStatistics) -> WireFeatureStatistics {
        WireFeatureStatistics(featureDim: stored.featureDim, classes: stored.labels.indices.map {
            .init(label: stored.labels[$0], count: stored.counts[$0], sum: stored.sums[$0],
                  sumSquares: stored.sumSquares[$0])
        })
    }

    static func store(_ stats: WireFeatureStatistics, contributors: Int) -> JobCheckpoint.StoredStatistics {
        .init(featureDim: stats.featureDim, labels: stats.classes.map(\.label), counts: stats.classes.map(\.count),
              sums: stats.classes.map(\.sum), sumSquares: stats.classes.map(\.sumSquares), contributors: contributors)
    }
}
