import Foundation
import LetheFederation
import LetheTensor
import LetheTransport
import LetheWire
import Testing
@testable import LetheCoordinator

/// A coordinator over `InProcessTransport` with scripted clients, stepped on the test's thread with a manual clock.
final class Harness {
    let network = InProcessNetwork()
    let store: any JobStore
    let clock = ManualClock()
    let output: URL
    var node: CoordinatorNode!
    var clients: [FakeClient] = []
    let lines = LogLines()
    let loadedOriginal: LoadedOriginal?
    let comparisons: [CoordinatorConfiguration.Comparison]
    let signingKey: SigningKey?
    /// Changes to the harness's configuration, applied last.
    let configure: (inout CoordinatorConfiguration) -> Void

    init(store: any JobStore = InMemoryJobStore(), output: URL? = nil, stopAfterJobs: Int = 1,
         loadedOriginal: LoadedOriginal? = nil,
         comparisons: [CoordinatorConfiguration.Comparison] = [.retrain(rounds: 1)], signingKey: SigningKey? = nil,
         configure: @escaping (inout CoordinatorConfiguration) -> Void = { _ in }) throws {
        self.configure = configure
        self.store = store
        self.signingKey = signingKey
        self.loadedOriginal = loadedOriginal
        self.comparisons = comparisons
        self.output = output ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("lethe-coordinator-\(UUID().uuidString)")
        try startNode(stopAfterJobs: stopAfterJobs)
    }

    func startNode(stopAfterJobs: Int) throws {
        let parameters = ParameterVector()
        _ = parameters.register("w", shape: [8])
        var configuration = CoordinatorConfiguration(outputDirectory: output, layout: parameters.entries)
        configuration.federation.training.rounds = 2
        configuration.federation.unlearning.maskFraction = 0.5
        configuration.expectedClients = ["c0", "c1", "c2"]
        configuration.quorumToStart = 3
        configuration.stopAfterJobs = stopAfterJobs
        configuration.comparisons = comparisons
        configuration.limits.maxMessageBytes = 64 << 10
        configuration.signingKey = signingKey
        configure(&configuration)
        let transport = try network.bind("coordinator")
        let lines = self.lines
        node = try CoordinatorNode(transport: transport, store: store, configuration: configuration,
                                   initialWeights: [Float](repeating: 0, count: 8), loadedOriginal: loadedOriginal,
                                   clock: clock,
                                   log: { lines.append($0) })
    }

    func connectClients() throws {
        clients = try [FakeClient("c0", network: network, labels: [0, 1]), FakeClient("c1", network: network, labels: [1]),
                       FakeClient("c2", network: network, labels: [2])]
        for client in clients { try client.hello() }
    }

    /// Steps the node and lets the clients answer until nothing moves or `until` holds.
    func pump(limit: Int = 2000, until done: () -> Bool = { false }) throws {
        for _ in 0..<limit where !done() && !node.isFinished {
            try node.step()
            for client in clients { try client.serve() }
        }
    }

    /// The preamble of most tests: the scripted clients connect, the original is published, deletion `id` is
    /// submitted and acknowledged. Returns the operator that submitted it.
    @discardableResult func startJob(_ id: String = "r1") throws -> FakeClient {
        try connectClients()
        try pump(until: { (try? store.latestModelVersion()) != nil })
        return try submitDeletion(id)
    }

    func submitDeletion(_ id: String, target: String = "c0", ids: [UInt64] = [3, 4], classLabel: UInt32? = nil,
                        reason: Lethe_V1_DeletionReason = .unspecified) throws -> FakeClient {
        let operatorClient = try FakeClient("operator-\(id)", network: network)
        var request = Lethe_V1_DeletionRequest()
        (request.requestID, request.targetClientID, request.reason) = (id, target, reason)
        var samples = Lethe_V1_SampleIds()
        samples.ids = ids
        request.scope = classLabel.map { .classLabel($0) } ?? .samples(samples)
        try operatorClient.send(.deletionRequest(request), jobID: id)
        for _ in 0..<50 where !operatorClient.received.contains(where: { if case .deletionAck? = $0.body { true } else { false } }) {
            try node.step()
            try operatorClient.serve()
        }
        return operatorClient
    }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite(.serialized) struct CoordinatorNodeTests {
    @Test func trainsUnlearnsPublishesAndRetrainsWithScriptedClients() throws {
        let h = try Harness()
        try h.connectClients()
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        #expect(try h.store.latestModelVersion()?.version == 2)  // two FedAvg rounds from v0
        let requester = try h.submitDeletion("r1")
        let ack = requester.received.compactMap { if case .deletionAck(let a)? = $0.body { a } else { nil } }.first
        #expect(ack?.state == .recorded)
        #expect(try h.store.request(id: "r1") != nil)  // durable before the ack was read
        try h.pump()
        #expect(h.node.isFinished)
        let job = try #require(try h.store.jobs().first)
        #expect(job.phase == .published)
        #expect(job.publishedModelVersion == 4)  // forgetting v3, contrastive v4
        #expect(try h.store.request(id: "r1")?.state == .done)
        #expect((job.phaseBytes["saliency.received"] ?? 0) > 0 && (job.phaseBytes["forgetting.sent"] ?? 0) > 0)
        // The forget holder moved only masked weights: mask = top half of scores 0…7 = weights 4…7, delta 1 twice.
        let published = try #require(try h.store.latestModelVersion())
        #expect(published.origin.contains("retrain"))
        let unlearned = try ModelArchive(directory: h.output, layout: h.node.configuration.layout)
            .load(path: h.output.appendingPathComponent("model-v4.safetensors").path)
        #expect(unlearned == [1.3333334, 1.3333334, 1.3333334, 1.3333334, 3.3333335, 3.3333335, 3.3333335, 3.3333335])
        try requester.serve()
        let status = requester.received.compactMap { if case .jobStatus(let s)? = $0.body { s } else { nil } }
        #expect(status.last?.state == .done)
        #expect(h.node.reports.map(\.name) == ["original", "wss-cl", "retrain"])
        // Each FedAvg round's sample-weighted mean of the losses the clients reported (the fakes all say 0.5).
        for (run, rounds) in [(h.node.reports[0], 2), (h.node.reports[2], 1)] {  // original 2 rounds, retrain 1
            let losses = try #require(run.roundLoss, "\(run.name) recorded no round loss")
            #expect(losses.count == rounds && losses.allSatisfy { abs($0 - 0.5) < 1e-12 }, "\(run.name): \(losses)")
            #expect(run.roundAccuracy?.count == rounds && run.roundAccuracy?.allSatisfy { abs($0 - 80) < 1e-12 } == true)
        }
        #expect(h.node.reports[1].roundLoss == nil, "the unlearning job runs no FedAvg round")
    }

    /// A poisoned request is recorded with its reason, reaches the holders with it and runs the poisoned stage 1;
    /// a poisoned class is refused before anything is recorded as accepted.
    @Test func thePoisonedReasonTravelsAndAPoisonedClassIsRefused() throws {
        let h = try Harness()
        try h.connectClients()
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        let refused = try h.submitDeletion("r-class", classLabel: 1, reason: .poisoned)
        let refusal = refused.received.compactMap { if case .deletionAck(let a)? = $0.body { a } else { nil } }.first
        #expect(refusal?.state == .rejected && refusal?.reason.contains("not to a class deletion") == true)
        #expect(try h.store.request(id: "r-class")?.state == .rejected)
        try h.submitDeletion("r-poison", reason: .poisoned)
        #expect(try h.store.request(id: "r-poison")?.reason == .poisoned)
        try h.pump()
        let forwarded = h.clients[0].received.compactMap { if case .deletionRequest(let r)? = $0.body { r } else { nil } }
        #expect(forwarded.map(\.reason) == [.poisoned])
        let phases = h.clients[0].received.compactMap { if case .phaseRequest(let p)? = $0.body { p } else { nil } }
        let expected = FederationConfiguration().unlearning
        #expect(expected.poisonedForgettingLearningRate != expected.forgettingLearningRate)
        let forget = phases.filter { $0.phase == .forget }
        #expect(!forget.isEmpty && forget.allSatisfy { $0.learningRate == expected.poisonedForgettingLearningRate })
    }

    /// `lethe forget` without `--wait` leaves once acknowledged: the job's outcome goes to the ledger, the log says
    /// so in words, and the coordinator goes on to its comparison runs.
    @Test func aSubmitterThatLeftAfterTheAckIsNotNeededForTheOutcome() throws {
        let h = try Harness()
        let requester = try h.startJob()
        requester.transport.close()
        try h.pump()
        #expect(h.node.isFinished)
        #expect(try h.store.request(id: "r1")?.state == .done)
        #expect(h.lines.all.contains { $0.contains("request r1: its submitter has disconnected") }, "\(h.lines.all)")
        #expect(!h.lines.all.contains { $0.contains("could not answer peer") })
        #expect(h.node.reports.map(\.name) == ["original", "wss-cl", "retrain"])
    }

    @Test func malformedOversizedAndNaNMessagesAreRefusedAndTheJobGoesOn() throws {
        let h = try Harness()
        try h.startJob()
        try h.pump(until: { h.node.job?.record.phase == .statistics })
        let c1 = h.clients[1]
        try c1.sendRaw(Data([0xFF, 0x00, 0x13, 0x37]))
        try c1.sendRaw(Data(repeating: 7, count: 100 << 10))
        var stats = Lethe_V1_FeatureStats()
        (stats.requestID, stats.modelVersion, stats.featureDim) = ("r1", h.node.job!.modelVersion, 2)
        stats.classes = WireFeatureStatistics(featureDim: 2, classes: [
            .init(label: 0, count: 1, sum: [.nan, 1], sumSquares: [1, 1])]).wireClasses
        try c1.send(.featureStats(stats), jobID: "r1", round: UnlearningJob.round(of: .statistics))
        let stranger = try FakeClient("mallory", network: h.network)
        try stranger.hello()
        try h.pump()
        try stranger.serve()
        let codes = c1.errors.map(\.code)
        #expect(codes.contains(.malformed))
        #expect(codes.contains(.tooLarge))
        #expect(codes.contains(.nonFinite))
        #expect(stranger.errors.first?.code == .unauthorized)
        #expect(h.lines.all.contains { $0.contains("refused") && $0.contains("NaN") })
        #expect(try h.store.jobs().first?.phase == .published)
    }

    /// Issue 24: a peer sending refusable messages as fast as it can gets every one answered, but the log grows
    /// by a line per power of ten, not a line per message; text a client chose is escaped, so it forges no line.
    @Test func floodsOfRefusedMessagesAreAnsweredButLoggedBoundedAndEscaped() throws {
        let h = try Harness()
        try h.connectClients()
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        let before = h.lines.all.count
        let c1 = h.clients[1]
        for _ in 0..<1000 { try c1.sendRaw(Data([0xFF, 0x00, 0x13, 0x37])) }
        var error = Lethe_V1_Error()
        (error.code, error.message) = (.internal, "boom\n[lethe] coordinator: client c0 joined")
        for _ in 0..<20 { try c1.send(.error(error), jobID: "train") }
        for _ in 0..<1100 { try h.node.step() }
        try c1.serve()
        #expect(c1.errors.filter { $0.code == .malformed }.count == 1000)
        let added = Array(h.lines.all.dropFirst(before))
        #expect(added.count < 20, "\(added.count) log lines for 1020 messages:\n\(added.joined(separator: "\n"))")
        #expect(added.contains { $0.contains("1000 refusals of this kind") })
        #expect(!added.contains { $0.contains("\n") })
        #expect(added.contains { $0.contains("boom\\u{A}[lethe]") })
    }

    /// In plaintext a live client keeps its connection: a second one with its id is refused (and sent no model)
    /// until the first has been silent past the liveness window, when a restarted client is let back in.
    @Test func aLiveClientsIdCannotBeTakenOverFromAnotherConnection() throws {
        let h = try Harness()
        try h.connectClients()
        try h.pump(limit: 5)
        let second = try FakeClient("c0", network: h.network, connection: "c0-again")
        try second.hello()
        try h.pump(limit: 5)
        try second.serve()
        #expect(second.errors.first?.code == .unauthorized)
        #expect(second.errors.first?.message.contains("already joined on another connection") == true)
        #expect(!second.received.contains { if case .modelWeights? = $0.body { true } else { false } })
        h.clients[0].silent = true
        h.clock.seconds += 60
        for client in h.clients.dropFirst() { try client.send(.heartbeat(Lethe_V1_Heartbeat())) }
        try h.pump(limit: 5)
        try second.hello()
        try h.pump(limit: 5)
        try second.serve()
        #expect(second.received.contains { if case .welcome? = $0.body { true } else { false } }, "\(second.errors)")
    }

    /// Over CURVE an id belongs to the first key that registered it: another allow-listed key cannot claim it,
    /// the same key may move to a new connection (a restart).
    @Test func overCurveAnIdBelongsToOneKey() throws {
        let h = try Harness()
        let owner = try FakeClient("c0", network: h.network, connection: "k1", userID: "KEY-ONE")
        try owner.hello()
        try h.pump(limit: 5)
        let thief = try FakeClient("c0", network: h.network, connection: "k2", userID: "KEY-TWO")
        try thief.hello()
        let restarted = try FakeClient("c0", network: h.network, connection: "k1-restarted", userID: "KEY-ONE")
        try restarted.hello()
        try h.pump(limit: 5)
        try owner.serve(); try thief.serve(); try restarted.serve()
        let welcomed = { (c: FakeClient) in c.received.contains { if case .welcome? = $0.body { true } else { false } } }
        #expect(welcomed(owner) && welcomed(restarted))
        #expect(!welcomed(thief) && thief.errors.first?.message.contains("belongs to another CURVE key") == true)
    }

    @Test func replayedRoundsAreRefusedWithStaleRound() throws {
        let h = try Harness()
        try h.connectClients()
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        var update = Lethe_V1_TrainUpdate()
        (update.baseModelVersion, update.sampleCount) = (0, 1)
        update.parameters = Tensor(shape: [8], storage: [Float](repeating: 1, count: 8)).wire
        try h.clients[0].send(.trainUpdate(update), jobID: "train", round: 1)
        try h.pump(limit: 3)
        #expect(h.clients[0].errors.contains { $0.code == .staleRound || $0.code == .unauthorized })
    }

    @Test func aDeadNonHolderIsDroppedAndTheJobCompletes() throws {
        let h = try Harness()
        try h.startJob()
        try h.pump(until: { h.node.job?.record.phase == .saliency })
        h.clients[2].silent = true
        h.clock.seconds += 60  // c2 stops heartbeating; the others keep talking
        for client in h.clients.prefix(2) {
            var beat = Lethe_V1_Heartbeat()
            beat.sequence = 1
            try client.send(.heartbeat(beat))
        }
        try h.pump()
        #expect(try h.store.jobs().first?.phase == .published)
        #expect(h.lines.all.contains { $0.contains("c2") && $0.contains("dead") })
    }

    @Test func aDeadHolderFailsTheJobAfterThePhaseTimeout() throws {
        let h = try Harness()
        try h.startJob()
        try h.pump(until: { h.node.job?.record.phase == .saliency })
        h.clients[0].silent = true
        try h.pump(limit: 5)
        h.clock.seconds += 1000
        try h.pump(limit: 5)
        let job = try #require(try h.store.jobs().first)
        #expect(job.phase == .failed)
        #expect(job.failureReason?.contains("forget holder c0") == true)
        #expect(try h.store.request(id: "r1")?.state == .recorded)  // kept, so a later run can retry it
    }

    @Test func aHolderThatAnswersAPhaseWithAnErrorFailsTheJobWithoutWaitingForTheTimeout() throws {
        let h = try Harness()
        try h.startJob()
        h.clients[0].failingPhase = .forget
        try h.pump(until: { h.node.job == nil || h.node.job?.record.phase == .failed })
        let job = try #require(try h.store.jobs().first)
        #expect(job.phase == .failed)
        #expect(job.failureReason == "forget holder c0 could not carry out the forgetting phase: internal: "
                + "phase_request failed: scripted", "\(job.failureReason ?? "")")
        #expect(job.phaseSeconds["forgetting"] ?? 0 < 1, "the clock never moved: no timeout was waited for")
    }

    @Test func aNonHolderThatAnswersWithAnErrorIsDroppedAndTheJobCompletes() throws {
        let h = try Harness()
        try h.startJob()
        h.clients[2].failingPhase = .statistics
        try h.pump()
        #expect(try h.store.jobs().first?.phase == .published)
        #expect(h.lines.all.contains { $0.contains("dropped non-holder c2 (error:") })
    }

    @Test func aRestartedCoordinatorResumesTheJobAndLosesNoAcknowledgedRequest() throws {
        let store = InMemoryJobStore()
        let first = try Harness(store: store, stopAfterJobs: 2)
        try first.startJob()
        try first.pump(until: { first.node.job?.record.phase == .contrastive })
        let r2 = try first.submitDeletion("r2", ids: [7])  // acknowledged while r1 runs, then the coordinator "dies"
        #expect(r2.received.contains { if case .deletionAck(let ack)? = $0.body { ack.state == .recorded } else { false } })
        first.node.transport.close()
        let interrupted = try store.unfinishedJobs().map(\.phase)
        #expect(interrupted == [.contrastive] || interrupted == [.verification])

        let second = try Harness(store: store, output: first.output, stopAfterJobs: 2)
        try second.connectClients()
        try second.pump()
        let jobs = try store.jobs()
        #expect(jobs.map(\.requestID) == ["r1", "r2"])
        #expect(jobs.allSatisfy { $0.phase == .published })
        #expect(try store.requests().allSatisfy { $0.state == .done })
        #expect(second.lines.all.contains { $0.contains("resuming at \(interrupted.first?.rawValue ?? "")") })
    }

    /// A coordinator killed after publishing v4 but before saving its job as published (the store refuses that
    /// save, as a SIGKILL would) resumes by recording the completion: v4 is recorded once, no client is asked to
    /// verify again, the job ends published with its metrics, and no second unlearning runs.
    @Test func aJobKilledAfterPublishingIsRecordedOnceOnResume() throws {
        let store = KilledAfterPublishing()
        let first = try Harness(store: store)
        try first.startJob()
        #expect(throws: KilledAfterPublishing.Kill.self) { try first.pump() }
        #expect(try store.latestModelVersion()?.version == 4)
        #expect(try store.unfinishedJobs().map(\.phase) == [.verification])
        first.node.transport.close()

        store.armed = false
        let second = try Harness(store: store, output: first.output)
        try second.connectClients()
        try second.pump()
        #expect(store.recordings[4] == 1, "v4 recorded \(store.recordings[4] ?? 0) times")
        let job = try #require(try store.jobs().first)
        #expect(try store.jobs().count == 1)
        #expect(job.phase == .published && job.publishedModelVersion == 4)
        #expect(job.modelHashAfter == store.versionHashes[4])
        let metrics = try JSONDecoder().decode(JobMetrics.self, from: Data(try #require(job.metricsJSON).utf8))
        #expect(metrics.ua == 60 && metrics.reports == 3)
        #expect(try store.request(id: "r1")?.state == .done)
        let asked = second.clients.flatMap(\.received).filter { if case .evalRequest? = $0.body { true } else { false } }
        #expect(asked.isEmpty, "clients were asked to verify again")
        #expect(second.lines.all.contains { $0.contains("already published by this job") })
        #expect(second.node.reports.map(\.name) == ["wss-cl", "retrain"])
    }
}

/// An `InMemoryJobStore` that, while armed, fails the save of a job as published, as a coordinator killed right
/// after publishing would leave things; it counts how often each model version is recorded.
final class KilledAfterPublishing: JobStore {
    struct Kill: Error {}
    private let inner = InMemoryJobStore()
    var armed = true
    private(set) var recordings: [UInt64: Int] = [:]
    private(set) var versionHashes: [UInt64: String] = [:]

    func saveJob(_ job: JobRecord) throws {
        if armed && job.phase == .published { throw Kill() }
        try inner.saveJob(job)
    }

    func recordModelVersion(_ version: ModelVersionRecord) throws {
        recordings[version.version, default: 0] += 1
        versionHashes[version.version] = version.sha256
        try inner.recordModelVersion(version)
    }

    func recordRequest(_ request: DeletionRequestRecord) throws { try inner.recordRequest(request) }
    func updateRequestState(id: String, to state: DeletionRequestRecord.RequestState) throws {
        try inner.updateRequestState(id: id, to: state)
    }
    func request(id: String) throws -> DeletionRequestRecord? { try inner.request(id: id) }
    func requests() throws -> [DeletionRequestRecord] { try inner.requests() }
    func job(id: String) throws -> JobRecord? { try inner.job(id: id) }
    func jobs() throws -> [JobRecord] { try inner.jobs() }
    func unfinishedJobs() throws -> [JobRecord] { try inner.unfinishedJobs() }
    func latestModelVersion() throws -> ModelVersionRecord? { try inner.latestModelVersion() }
    func recordCertificate(_ certificate: CertificateRecord) throws { try inner.recordCertificate(certificate) }
    func certificates() throws -> [CertificateRecord] { try inner.certificates() }
}

/// `fractionFit` < 1: each FedAvg round asks a seeded sample of the clients and sends the model only to them; the
/// final model still reaches everyone.
@Suite(.serialized) struct SampledRoundTests {
    @Test func aRoundAsksItsSampleOnlyAndTheFinalModelReachesEveryone() throws {
        let h = try Harness(comparisons: [], configure: { $0.federation.training.fractionFit = 0.3 })
        try h.connectClients()
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        #expect(try h.store.latestModelVersion()?.version == 2)
        func count(_ client: FakeClient, _ match: (Lethe_V1_Envelope.OneOf_Body) -> Bool) -> Int {
            client.received.filter { $0.body.map(match) ?? false }.count
        }
        let requests = h.clients.map { c in count(c) { if case .trainRequest = $0 { true } else { false } } }
        #expect(requests.reduce(0, +) == 2, "⌈0.3 × 3⌉ = 1 client per round, 2 rounds: \(requests)")
        // Each round's model is its one client's update: the fakes send their label count (c0: 2, c1 and c2: 1).
        let sampled = FederatedTraining(training: h.node.configuration.federation.training)
        let live = Set(["c0", "c1", "c2"])
        let last = try #require(sampled.sampleClients(live, round: 2).first)
        #expect(h.node.weights == [Float](repeating: last == "c0" ? 2 : 1, count: 8))
        // Versions: v0 at Hello, v1 after round 1 (sent only if round 2's client lacked it), v2 to everyone.
        for client in h.clients {
            let versions = client.received.compactMap { e -> UInt64? in
                if case .modelWeights(let w)? = e.body { w.modelVersion } else { nil }
            }
            #expect(versions.last == 2, "\(client.id) did not get the final model: \(versions)")
            #expect(versions.contains(1) == sampled.sampleClients(live, round: 2).contains(client.id),
                    "\(client.id) got v1 though round 2 did not ask it, or missed it: \(versions)")
        }
    }
}
