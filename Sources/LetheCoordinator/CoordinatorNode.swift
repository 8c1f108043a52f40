import Foundation
import LetheFederation
import LetheTensor
import LetheTransport
import LetheWire

/// The coordinator: runs FedAvg training and the unlearning job state machine over a `MessageTransport`, writes the
/// `JobStore` and publishes model versions (ARCHITECTURE.md "Data flow of one federated deletion").
///
/// Ownership: one node owns its transport and all its state and is driven from one thread (`run` or `step`), as
/// libzmq sockets require; the rules live in `LetheFederation` values (`TrainingRound`, `UnlearningJob`), and this
/// class only moves bytes, time and storage around them. Every incoming message is validated; a bad one is
/// answered with an `Error`, logged, and the node keeps serving.
public final class CoordinatorNode: @unchecked Sendable {
    let transport: any MessageTransport
    let store: any JobStore
    let configuration: CoordinatorConfiguration
    let archive: ModelArchive
    let clock: any NodeClock
    let log: @Sendable (String) -> Void
    var clients = ClientRegistry()
    var modelVersion: UInt64 = 0
    var weights: [Float]
    /// Number of weights of the model (for the start-up line).
    public var weightCount: Int { weights.count }
    let initialWeights: [Float]
    var originalWeights: [Float]?
    /// The original to publish instead of training it, if any (used only when the store holds no model yet).
    let loadedOriginal: LoadedOriginal?
    var training: TrainingRun?
    var job: UnlearningJob?
    var jobReport: ActivityReport?
    var jobStartedAt = 0.0
    var jobQueue: [String] = []
    var resumable: [JobRecord] = []
    /// When the node began waiting for the clients of a job to resume (see `resumeReady`).
    var resumeWaitSince: Double?
    var requesters: [String: PeerID] = [:]
    var pendingRuns: [TrainingRun.Plan] = []
    var comparisonsQueued = false
    var finishedJobs = 0
    var messageNumber: UInt64 = 0
    var trainingRoundCounter: UInt64 = 0
    var reassembly: [ClientID: TensorReassembler] = [:]
    /// The model version last sent to each client (sampled rounds send the model only to who lacks it).
    var modelSent: [ClientID: UInt64] = [:]
    var lastHeartbeat = -Double.infinity
    /// This process's incarnation, stamped on every message it sends: clients scope message numbers and model
    /// versions to it, so a restarted coordinator's first messages are not taken for replays.
    public let incarnation: UInt64
    /// Clients re-sent the model after answering a request with `staleModel`, by "client/job/round": once each, so
    /// a client that keeps refusing fails instead of ping-ponging.
    var resynced: Set<String> = []
    /// Conditions that can repeat every turn (a training round that keeps failing), logged once per cause.
    var repeats = RepeatedConditionLog()
    /// Refused messages (a restarted client's Hello retried every heartbeat until its old session expires, a peer
    /// sending garbage), logged a few times per kind and then counted (`RefusalLog`).
    var refusals = RefusalLog()
    public internal(set) var reports: [ActivityReport] = []
    /// Every message sent or received so far, by kind (written as `wire-census.json`).
    public internal(set) var wireCensus = WireCensus()
    var censusAtLastReport = WireCensus()
    /// True once `stopAfterJobs` jobs and the comparisons are done.
    public internal(set) var isFinished = false

    /// A node starting from `initialWeights` (model version 0) unless the store already holds a published model,
    /// in which case it resumes from it and from the store's unfinished jobs and unprocessed requests. With
    /// `loadedOriginal`, a node with an empty store publishes those weights as the original instead of training.
    public init(transport: any MessageTransport, store: any JobStore, configuration: CoordinatorConfiguration,
                initialWeights: [Float], loadedOriginal: LoadedOriginal? = nil, clock: any NodeClock = SystemNodeClock(),
                incarnation: UInt64 = .random(in: 1 ... .max),
                log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        precondition(incarnation != 0, "incarnation 0 means 'not a coordinator' on the wire")
        self.incarnation = incarnation
        do { try configuration.federation.validate() } catch {
            throw CoordinatorError.configuration("\(error)")
        }
        self.transport = transport
        self.store = store
        self.configuration = configuration
        self.archive = ModelArchive(directory: configuration.outputDirectory, layout: configuration.layout)
        self.clock = clock
        self.log = log
        self.initialWeights = initialWeights
        self.weights = initialWeights
        if let loadedOriginal, loadedOriginal.weights.count != initialWeights.count {
            throw CoordinatorError.configuration("the initial model \(loadedOriginal.source) holds "
                + "\(loadedOriginal.weights.count) weights, the model has \(initialWeights.count)")
        }
        self.loadedOriginal = loadedOriginal
        log(String(format: "coordinator incarnation %016llx", incarnation))
        try restoreState()
        try publishSigningKey()
        do { try certifyUncertifiedJobs() } catch { throw CoordinatorError.store("\(error)") }
    }

    /// Serves until `shouldStop` returns true or the node is finished, polling the transport with a short timeout
    /// (no busy loop: the thread sleeps in `zmq_poll` between messages).
    public func run(pollInterval: Duration = .milliseconds(50), shouldStop: () -> Bool = { false }) throws {
        while !shouldStop() && !isFinished {
            try step(timeout: pollInterval)
        }
    }

    /// One turn: at most one message, then liveness, deadlines and scheduling.
    public func step(timeout: Duration = .zero) throws {
        do {
            if let message = try transport.receive(timeout: timeout) { try handle(message) }
        } catch let error as TransportError {
            log("transport: \(error)")
            if error == .closed { isFinished = true }
        }
        let now = clock.now()
        sendHeartbeats(now: now)
        for client in clients.expire(now: now, deadAfter: configuration.federation.liveness.deadAfterSeconds) {
            log("client \(client) missed \(configuration.federation.liveness.liveness) heartbeats: dead")
            try clientDied(client, now: now)
        }
        try tick(now: now)
        try schedule(now: now)
    }

    /// Reads the store: the latest published model, unfinished jobs and requests still to process.
    private func restoreState() throws {
        do {
            if let latest = try store.latestModelVersion(), let path = latest.path {
                weights = try archive.load(path: path)
                modelVersion = latest.version
                originalWeights = weights
                log("resuming from published model v\(latest.version) (\(latest.origin))")
                if let loadedOriginal { log("ignoring the initial model \(loadedOriginal.source): resuming instead") }
            } else if loadedOriginal != nil {
                pendingRuns = [.init(name: "original", rounds: configuration.federation.training.rounds, start: .loaded)]
            } else if configuration.federation.training.rounds > 0 {
                pendingRuns = [.init(name: "original", rounds: configuration.federation.training.rounds, start: .current)]
            } else {
                pendingRuns = [.init(name: "original", rounds: 0, start: .current)]
            }
            resumable = try store.unfinishedJobs()
            let running = Set(resumable.map(\.requestID))
            let jobs = try store.jobs()
            jobQueue = try store.requests().filter { request in
                request.state == .recorded && !running.contains(request.id)
                    && !jobs.contains { $0.requestID == request.id && $0.phase == .published }
            }.map(\.id)
            if !resumable.isEmpty || !jobQueue.isEmpty {
                log("resuming \(resumable.count) unfinished job(s); \(jobQueue.count) request(s) waiting")
            }
        } catch let error as JobStoreError {
            throw CoordinatorError.store("\(error)")
        }
    }

    func nextMessageNumber() -> UInt64 {
        messageNumber += 1
        return messageNumber
    }
}
