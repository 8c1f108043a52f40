import Foundation
import LetheFederation
import LetheWire
import Testing
@testable import lethe

/// The fault sweep's and the fuzzer's own logic: the invariants catch what they claim to catch, the plan covers
/// every stage, and the fuzzer expects an answer exactly where the coordinator owes one.
@Suite struct HarnessTests {
    static let date = Date(timeIntervalSince1970: 0)

    static func request(_ id: String, _ state: DeletionRequestRecord.RequestState) -> DeletionRequestRecord {
        DeletionRequestRecord(id: id, clientID: "client-0", scope: .samples([1]), receivedAt: date, state: state)
    }

    static func job(_ id: String, request: String, phase: JobPhase, version: UInt64? = nil, hash: String? = nil) -> JobRecord {
        var job = JobRecord(id: id, requestID: request, baseModelVersion: 2, modelHashBefore: "before",
                            configurationJSON: "{}", updatedAt: date)
        (job.phase, job.publishedModelVersion, job.modelHashAfter) = (phase, version, hash)
        return job
    }

    static func version(_ number: UInt64, job: String, hash: String) -> ModelVersionRecord {
        ModelVersionRecord(version: number, sha256: hash, path: "/models/v\(number)", origin: "unlearning job \(job)",
                           createdAt: date)
    }

    static let sound = SweepChecks.Snapshot(
        requests: [request("r1", .done), request("r2", .done)],
        jobs: [job("r1-job1", request: "r1", phase: .failed), job("r1-job2", request: "r1", phase: .published, version: 3, hash: "h3"),
               job("r2-job1", request: "r2", phase: .published, version: 4, hash: "h4")],
        versions: [version(3, job: "r1-job2", hash: "h3"), version(4, job: "r2-job1", hash: "h4")])

    static func hashes(_ path: String) -> String? { ["/models/v3": "h3", "/models/v4": "h4"][path] }

    @Test func aSoundLedgerHasNoViolations() {
        #expect(SweepChecks.violations(acknowledged: ["r1", "r2"], in: Self.sound, fileHash: Self.hashes).isEmpty)
    }

    @Test func aLostUnfinishedOrDuplicatedRequestIsReported() {
        var snapshot = Self.sound
        snapshot.requests[1].state = .running
        snapshot.jobs.append(Self.job("r1-job3", request: "r1", phase: .published, version: 5, hash: "h5"))
        snapshot.versions.append(Self.version(5, job: "r1-job3", hash: "h5"))
        let problems = SweepChecks.violations(acknowledged: ["r1", "r2", "r3"], in: snapshot,
                                              fileHash: { Self.hashes($0) ?? "h5" })
        #expect(problems.contains { $0.hasPrefix("lost: r3") })
        #expect(problems.contains { $0.hasPrefix("unfinished: r2") })
        #expect(problems.contains { $0.hasPrefix("duplicate: r1 has 2 published jobs") })
    }

    @Test func aVersionWhoseFileOrHashDisagreesIsReported() {
        var snapshot = Self.sound
        snapshot.jobs[2].modelHashAfter = "other"
        let problems = SweepChecks.violations(acknowledged: ["r1", "r2"], in: snapshot,
                                              fileHash: { $0 == "/models/v3" ? "tampered" : Self.hashes($0) })
        #expect(problems.contains { $0.hasPrefix("hash: job r2-job1") })
        #expect(problems.contains { $0.hasPrefix("file: /models/v3 hashes to tampered") })
    }

    @Test func thePlanIsSeededAndCoversEveryStage() {
        let plan = KillPlan.coordinator(count: 18, seed: 7)
        #expect(plan == KillPlan.coordinator(count: 18, seed: 7))
        #expect(plan != KillPlan.coordinator(count: 18, seed: 8))
        #expect(Set(plan.prefix(9).map(\.target)) == Set(KillPoint.Target.allCases))
        #expect(plan.allSatisfy { $0.delay >= 0 && $0.delay < 0.3 })
        let faults = KillPlan.client(count: 20, seed: 7)
        #expect(faults.filter { $0.kind == .kill }.count == 10)
        #expect(faults.allSatisfy { KillPoint.Target.jobPhases.contains($0.phase) })
        #expect(Set(faults.map(\.holder)).count == 2)
    }

    @Test func theFuzzerExpectsAnAnswerExactlyWhereOneIsOwed() throws {
        func frame(_ body: Lethe_V1_Envelope.OneOf_Body, from sender: String, number: UInt64 = 9) throws -> [Data] {
            [try WireCodec.encode(WireCodec.envelope(jobID: "j", senderID: sender, messageNumber: number, body: body))]
        }
        #expect(FuzzSession.expectation(of: try frame(.heartbeat(.init()), from: FuzzCorpus.admittedID)) == nil)
        var report = Lethe_V1_Error()
        report.code = .internal
        #expect(FuzzSession.expectation(of: try frame(.error(report), from: "ghost")) == nil)
        guard case .error(9)? = FuzzSession.expectation(of: try frame(.heartbeat(.init()), from: "ghost")) else {
            Issue.record("a heartbeat from a stranger is owed an Error naming it"); return
        }
        guard case .error(0)? = FuzzSession.expectation(of: [Data([0xFF]), Data()]) else {
            Issue.record("a multi-frame message is owed an Error"); return
        }
        var request = Lethe_V1_DeletionRequest()
        (request.requestID, request.targetClientID, request.classLabel) = ("r", "nobody", 3)
        guard case .deletionAck("r", 9)? = FuzzSession.expectation(of: try frame(.deletionRequest(request), from: "x")) else {
            Issue.record("a deletion request is owed an acknowledgement"); return
        }
    }

    @Test func theCorpusIsSeededAndDamagesInEveryWay() {
        var a = FuzzCorpus(seed: 4), b = FuzzCorpus(seed: 4)
        var damages = Set<FuzzCorpus.Damage>()
        for _ in 0..<2000 {
            let (frames, damage) = a.next()
            #expect(frames == b.next().frames)
            damages.insert(damage)
        }
        #expect(damages == Set(FuzzCorpus.Damage.allCases))
    }
}
