import Foundation
import LetheTensor
import LetheWire
import Testing
@testable import LetheFederation

/// Drives `UnlearningJob` with scripted client replies and a manual clock (`now` is whatever the test says).
struct JobScript {
    var job: UnlearningJob
    var now = 0.0
    var sent: [(JobCommand, [ClientID], UInt64)] = []
    var log: [JobAction] = []

    /// c0 holds the forget samples; c1 and c2 hold none. The model has 4 weights.
    init(clients: [ClientID: Set<UInt32>] = ["c0": [0, 1], "c1": [1], "c2": [2]],
         scope: DeletionScope = .samples([3, 5]), target: ClientID = "c0") {
        let request = DeletionRequestRecord(id: "r1", clientID: target, scope: scope, receivedAt: Date(timeIntervalSince1970: 0))
        let record = JobRecord(id: "j1", requestID: "r1", baseModelVersion: 7, modelHashBefore: "h",
                               configurationJSON: "{}", updatedAt: Date(timeIntervalSince1970: 0))
        var unlearning = FederationConfiguration.Unlearning()
        unlearning.maskFraction = 0.5
        job = UnlearningJob(record: record, request: request, participants: clients, weights: [1, 1, 1, 1],
                            strategy: FederatedWSSCL(unlearning: unlearning), timeouts: .init())
    }

    @discardableResult
    mutating func apply(_ event: JobEvent) -> [JobAction] {
        let actions = job.handle(event)
        for case .send(let command, let to, let round) in actions { sent.append((command, to, round)) }
        log += actions
        return actions
    }

    mutating func reply(_ client: ClientID, _ reply: JobReply, round: UInt64? = nil) -> [JobAction] {
        apply(.reply(from: client, round: round ?? UnlearningJob.round(of: job.record.phase), reply, now: now))
    }

    static let stats = WireFeatureStatistics(featureDim: 2, classes: [.init(label: 1, count: 2, sum: [1, 2],
                                                                            sumSquares: [1, 4])])
    static let metrics = WireMetrics(ua: 50, ra: 90, ta: 80, mia: 40, forgetSamples: 2, retainSamples: 10,
                                     testSamples: 10)

    /// start → the holder acknowledges → its saliency (mask [1, 3]): the job waits for the forgetting delta.
    mutating func reachForgetting() {
        apply(.start(now: now))
        _ = reply("c0", .deletionAck(recorded: true, reason: ""))
        _ = reply("c0", .saliency(.init(scores: .dense([0, 5, 1, 9]), forgetCount: 2), modelVersion: 7))
    }

    /// `reachForgetting` and the holder's forgetting delta [1, -1]: the job is at statistics, model v8.
    mutating func reachStatistics() {
        reachForgetting()
        _ = reply("c0", delta([1, -1]))
    }

    func delta(_ values: [Float]) -> JobReply {
        .delta(job.record.phase == .forgetting ? .forget : .contrastive,
               DeltaContribution(delta: WireSparseDelta(mask: job.mask!.wireMask, values: values), sampleCount: 2),
               baseVersion: job.modelVersion)
    }
}

@Suite struct JobStateMachineTests {
    @Test func happyPathRunsEveryPhaseAndPublishes() throws {
        var s = JobScript()
        s.apply(.start(now: 0))
        #expect(s.job.record.phase == .requested)
        #expect(s.sent.last?.1 == ["c0"])
        _ = s.reply("c0", .deletionAck(recorded: true, reason: ""))
        #expect(s.job.record.phase == .saliency)
        s.now = 2
        _ = s.reply("c0", .saliency(.init(scores: .dense([0, 5, 1, 9]), forgetCount: 2), modelVersion: 7))
        #expect(s.job.record.phase == .forgetting)
        #expect(Array(s.job.mask!.setIndices) == [1, 3])
        _ = s.reply("c0", s.delta([1, -1]))
        #expect(s.job.modelVersion == 8)
        #expect(s.job.weights == [1, 2, 1, 0])
        #expect(s.job.record.phase == .statistics)
        for client in ["c0", "c1", "c2"] {
            _ = s.reply(client, .statistics(JobScript.stats, modelVersion: 8))
        }
        #expect(s.job.statistics?.classes.first?.count == 6)
        #expect(s.job.record.phase == .contrastive)
        _ = s.reply("c0", s.delta([0.5, 0.5]))
        #expect(s.job.record.phase == .verification)
        s.now = 10
        var last: [JobAction] = []
        for client in ["c0", "c1", "c2"] { last = s.reply(client, .evaluation(JobScript.metrics, modelVersion: 9)) }
        #expect(s.job.record.phase == .published)
        #expect(s.job.record.publishedModelVersion == 9)
        #expect(last.contains { if case .publish(9, [1, 2.5, 1, 0.5], _) = $0 { true } else { false } })
        #expect(s.job.record.phaseSeconds["saliency"] == 2)
        #expect(s.job.record.metricsJSON != nil)
    }

    @Test func aDeadNonHolderIsDroppedAndTheJobCompletes() {
        var s = JobScript()
        s.reachStatistics()
        _ = s.reply("c0", .statistics(JobScript.stats, modelVersion: 8))
        _ = s.reply("c1", .statistics(JobScript.stats, modelVersion: 8))
        s.apply(.clientDied("c2", now: 1))
        #expect(s.job.record.phase == .contrastive)
        #expect(!s.job.participants.contains("c2"))
        _ = s.reply("c0", s.delta([0, 0]))
        _ = s.reply("c0", .evaluation(JobScript.metrics, modelVersion: 9))
        _ = s.reply("c1", .evaluation(JobScript.metrics, modelVersion: 9))
        #expect(s.job.record.phase == .published)
    }

    @Test func aSilentNonHolderIsDroppedAtTheDeadline() {
        var s = JobScript()
        s.reachStatistics()
        _ = s.reply("c0", .statistics(JobScript.stats, modelVersion: 8))
        s.apply(.tick(now: 1))
        #expect(s.job.record.phase == .statistics)
        s.apply(.tick(now: 1 + s.job.timeouts.statistics))
        #expect(s.job.record.phase == .contrastive)
        #expect(s.job.participants == ["c0"])
    }

    @Test func aDeadHolderFailsThePhaseAfterItsTimeoutWithAClearReason() {
        var s = JobScript()
        s.apply(.start(now: 0))
        _ = s.reply("c0", .deletionAck(recorded: true, reason: ""))
        s.apply(.clientDied("c0", now: 1))
        s.apply(.tick(now: 100))
        #expect(s.job.record.phase == .saliency)
        let actions = s.apply(.tick(now: s.job.timeouts.saliency + 1))
        #expect(s.job.record.phase == .failed)
        let reason = s.job.record.failureReason ?? ""
        #expect(reason.contains("forget holder c0 (disconnected) did not answer the saliency phase"))
        #expect(actions.contains(.failed(reason: reason)))
    }

    @Test func aHolderErrorFailsTheJobAtOnceWithTheClientsReason() {
        var s = JobScript()
        s.reachForgetting()
        #expect(s.job.record.phase == .forgetting)
        // An error about another round (a late answer to the saliency request) changes nothing.
        s.apply(.clientFailed("c0", round: UnlearningJob.round(of: .saliency), reason: "late", now: 1))
        #expect(s.job.record.phase == .forgetting)
        let actions = s.apply(.clientFailed("c0", round: UnlearningJob.round(of: .forgetting),
                                            reason: "internal: phase_request failed", now: 2))
        #expect(s.job.record.phase == .failed)
        let reason = s.job.record.failureReason ?? ""
        #expect(reason == "forget holder c0 could not carry out the forgetting phase: internal: phase_request failed")
        #expect(actions.contains(.failed(reason: reason)))
    }

    @Test func aNonHolderErrorDropsItAndThePhaseCompletes() {
        var s = JobScript()
        s.reachStatistics()
        _ = s.reply("c0", .statistics(JobScript.stats, modelVersion: 8))
        _ = s.reply("c1", .statistics(JobScript.stats, modelVersion: 8))
        // c1 already answered: its error is not the phase's.
        s.apply(.clientFailed("c1", round: UnlearningJob.round(of: .statistics), reason: "x", now: 1))
        #expect(s.job.participants.contains("c1"))
        s.apply(.clientFailed("c2", round: UnlearningJob.round(of: .statistics), reason: "computation", now: 1))
        #expect(s.job.record.phase == .contrastive)
        #expect(s.job.participants == ["c0", "c1"])
        #expect(s.job.statistics?.classes.first?.count == 4)
    }

    @Test func aHolderThatComesBackIsAskedAgainAndTheJobGoesOn() {
        var s = JobScript()
        s.apply(.start(now: 0))
        _ = s.reply("c0", .deletionAck(recorded: true, reason: ""))
        s.apply(.clientDied("c0", now: 1))
        let actions = s.apply(.clientReturned("c0", now: 5))
        #expect(actions.contains { if case .send(.saliencyRequest, ["c0"], 2) = $0 { true } else { false } })
        #expect(actions.contains { if case .send(.modelWeights(7, _), ["c0"], _) = $0 { true } else { false } })
        _ = s.reply("c0", .saliency(.init(scores: .dense([0, 5, 1, 9]), forgetCount: 2), modelVersion: 7))
        #expect(s.job.record.phase == .forgetting)
    }

    @Test func replayedRoundsAndUnknownClientsAreRefused() {
        var s = JobScript()
        s.apply(.start(now: 0))
        _ = s.reply("c0", .deletionAck(recorded: true, reason: ""))
        let stranger = s.reply("mallory", .saliency(.init(scores: .dense([1, 1, 1, 1]), forgetCount: 1), modelVersion: 7))
        #expect(stranger.first.map { if case .refuse("mallory", .unknownClient, _) = $0 { true } else { false } } == true)
        let stale = s.reply("c0", .deletionAck(recorded: true, reason: ""), round: 1)
        #expect(stale.isEmpty)  // a late re-acknowledgement is harmless
        let wrongRound = s.reply("c0", .saliency(.init(scores: .dense([1, 1, 1, 1]), forgetCount: 1), modelVersion: 7),
                                 round: 1)
        #expect(wrongRound.first.map { if case .refuse("c0", .staleRound, _) = $0 { true } else { false } } == true)
        let notAsked = s.reply("c1", .saliency(.init(scores: .dense([1, 1, 1, 1]), forgetCount: 1), modelVersion: 7))
        #expect(notAsked.first.map { if case .refuse("c1", .unexpected, _) = $0 { true } else { false } } == true)
        _ = s.reply("c0", .saliency(.init(scores: .dense([0, 5, 1, 9]), forgetCount: 2), modelVersion: 7))
        _ = s.reply("c0", s.delta([1, -1]))
        _ = s.reply("c0", .statistics(JobScript.stats, modelVersion: 8))
        let replay = s.reply("c0", .statistics(JobScript.stats, modelVersion: 8))
        #expect(replay.first.map { if case .refuse("c0", .staleRound, _) = $0 { true } else { false } } == true)
        #expect(s.job.record.phase == .statistics)
    }

    @Test func invalidContentIsRefusedAndTheClientMayAnswerAgain() {
        var s = JobScript()
        s.apply(.start(now: 0))
        _ = s.reply("c0", .deletionAck(recorded: true, reason: ""))
        let short = s.reply("c0", .saliency(.init(scores: .dense([1, 1]), forgetCount: 1), modelVersion: 7))
        #expect(short.first.map { if case .refuse("c0", .invalid, _) = $0 { true } else { false } } == true)
        let oldModel = s.reply("c0", .saliency(.init(scores: .dense([1, 1, 1, 1]), forgetCount: 1), modelVersion: 3))
        #expect(oldModel.first.map { if case .refuse("c0", .staleRound, _) = $0 { true } else { false } } == true)
        _ = s.reply("c0", .saliency(.init(scores: .dense([0, 5, 1, 9]), forgetCount: 2), modelVersion: 7))
        #expect(s.job.record.phase == .forgetting)
    }

    @Test func aRejectedForwardFailsTheJob() {
        var s = JobScript()
        s.apply(.start(now: 0))
        _ = s.reply("c0", .deletionAck(recorded: false, reason: "no such ids"))
        #expect(s.job.record.phase == .failed)
        #expect(s.job.record.failureReason?.contains("no such ids") == true)
    }

    /// Found by `lethe bench fuzz`: a participant that holds none of the data could fail the job by sending a
    /// "rejected" DeletionAck after the forwarding phase; only a forget holder's re-acknowledgement counts.
    @Test func aNonHoldersDeletionAckIsRefusedAndCannotFailTheJob() {
        var s = JobScript()
        s.apply(.start(now: 0))
        _ = s.reply("c0", .deletionAck(recorded: true, reason: ""))
        let forged = s.reply("c1", .deletionAck(recorded: false, reason: "forged"))
        #expect(forged.first.map { if case .refuse("c1", _, _) = $0 { true } else { false } } == true)
        #expect(s.job.record.phase == .saliency)
        let holder = s.reply("c0", .deletionAck(recorded: false, reason: "lost the ids"), round: 1)
        #expect(holder.isEmpty == false)
        #expect(s.job.record.phase == .failed)
    }

    @Test func classDeletionAsksEveryClientHoldingTheClass() {
        var s = JobScript(scope: .wholeClass(1), target: "c0")
        s.apply(.start(now: 0))
        #expect(s.job.holders == ["c0", "c1"])
        #expect(s.sent.last?.1 == ["c0", "c1"])
    }

    @Test func aJobResumesFromItsCheckpointAndResendsWhatClientsNeed() {
        var first = JobScript()
        first.apply(.start(now: 0))
        _ = first.reply("c0", .deletionAck(recorded: true, reason: ""))
        _ = first.reply("c0", .saliency(.init(scores: .dense([0, 5, 1, 9]), forgetCount: 2), modelVersion: 7))
        _ = first.reply("c0", first.delta([1, -1]))
        guard case .checkpoint(let checkpoint)? = first.log.last(where: { if case .checkpoint = $0 { true } else { false } })
        else { Issue.record("no checkpoint"); return }
        #expect(checkpoint.phase == .statistics)
        var resumed = JobScript()
        resumed.job = UnlearningJob(record: first.job.record, request: first.job.request,
                                    participants: ["c0": [0, 1], "c1": [1], "c2": [2]], weights: [9, 9, 9, 9],
                                    strategy: first.job.strategy, timeouts: .init(), checkpoint: checkpoint)
        let actions = resumed.apply(.start(now: 100))
        #expect(resumed.job.record.phase == .statistics)
        #expect(resumed.job.weights == [1, 2, 1, 0])
        #expect(actions.contains { if case .send(.deletion, ["c0"], _) = $0 { true } else { false } })
        #expect(actions.contains { if case .send(.modelWeights(8, _), ["c0", "c1", "c2"], _) = $0 { true } else { false } })
    }
}

@Suite struct TrainingRoundTests {
    func round(clients: Set<ClientID> = ["a", "b"]) -> TrainingRound {
        TrainingRound(round: 3, modelVersion: 5, weightCount: 2, clients: clients,
                      strategy: FederatedTraining(training: .init()), now: 0, timeout: 10)
    }

    @Test func aRoundAveragesUpdatesWeightedBySampleCount() {
        var r = round()
        #expect(r.instruction.seed == FederationConfiguration.Training().seed + 3)
        #expect(r.handle(.update(from: "a", round: 3, TrainResult(baseModelVersion: 5, weights: [0, 4], sampleCount: 1,
                                                                   trainLoss: 1))) == .waiting)
        let outcome = r.handle(.update(from: "b", round: 3, TrainResult(baseModelVersion: 5, weights: [4, 0],
                                                                        sampleCount: 3, trainLoss: 2)))
        #expect(outcome == .aggregated(weights: [3, 1], meanLoss: 1.75, meanAccuracy: 0, contributors: ["a", "b"]))
    }

    @Test func replaysStaleRoundsAndStrangersAreRefused() {
        var r = round()
        let update = TrainResult(baseModelVersion: 5, weights: [1, 1], sampleCount: 1, trainLoss: 0)
        #expect(r.handle(.update(from: "a", round: 2, update)) != .waiting)
        #expect(r.handle(.update(from: "x", round: 3, update)) != .waiting)
        #expect(r.handle(.update(from: "a", round: 3, update)) == .waiting)
        guard case .refuse("a", .staleRound, _) = r.handle(.update(from: "a", round: 3, update)) else {
            Issue.record("replay accepted"); return
        }
    }

    @Test func aDeadClientIsDroppedAndTooFewUpdatesFailTheRound() {
        var r = round()
        let update = TrainResult(baseModelVersion: 5, weights: [1, 1], sampleCount: 1, trainLoss: 0)
        _ = r.handle(.update(from: "a", round: 3, update))
        #expect(r.handle(.clientDied("b")) == .aggregated(weights: [1, 1], meanLoss: 0, meanAccuracy: 0, contributors: ["a"]))
        var empty = round()
        guard case .failed = empty.handle(.tick(now: 11)) else { Issue.record("round without updates succeeded"); return }
    }

    /// A client that answers the TrainRequest with an Error (all its data deleted) leaves the round at once.
    @Test func aClientThatAnswersWithAnErrorIsDroppedFromTheRound() {
        var r = round()
        let update = TrainResult(baseModelVersion: 5, weights: [1, 1], sampleCount: 1, trainLoss: 0)
        _ = r.handle(.update(from: "a", round: 3, update))
        #expect(r.handle(.clientFailed("b", round: 2)) == .waiting, "an error about another round changes nothing")
        #expect(r.handle(.clientFailed("b", round: 3)) == .aggregated(weights: [1, 1], meanLoss: 0, meanAccuracy: 0, contributors: ["a"]))
    }
}
