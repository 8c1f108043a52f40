import Foundation
import LetheFederation
import Testing
@testable import LetheLedger

/// The `JobStore` contract, run unchanged against the SQLite ledger and the in-memory store, so the coordinator's
/// tests on `InMemoryJobStore` hold for the ledger too.
@Suite struct JobStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func requestsRoundTripEveryScopeInInsertionOrder(kind: StoreKind) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.makeStore(kind)
        for request in Sample.requests { try store.recordRequest(request) }
        for request in Sample.requests { #expect(try store.request(id: request.id) == request) }
        #expect(try store.requests() == Sample.requests)
        #expect(try store.request(id: "nope") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func duplicateRequestIsRejectedAndKeepsTheFirst(kind: StoreKind) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.makeStore(kind)
        let first = Sample.requests[0]
        try store.recordRequest(first)
        var second = first
        second.scope = .wholeClient
        #expect(throws: JobStoreError.duplicateRequest(first.id)) { try store.recordRequest(second) }
        #expect(try store.requests() == [first])
    }

    @Test(arguments: StoreKind.allCases)
    func requestStateUpdatesAndUnknownRequestIsTyped(kind: StoreKind) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.makeStore(kind)
        try store.recordRequest(Sample.requests[0])
        try store.updateRequestState(id: Sample.requests[0].id, to: .done)
        #expect(try store.request(id: Sample.requests[0].id)?.state == .done)
        #expect(throws: JobStoreError.unknownRequest("ghost")) { try store.updateRequestState(id: "ghost", to: .done) }
    }

    @Test(arguments: StoreKind.allCases)
    func jobsRoundTripAndUpdateInPlace(kind: StoreKind) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.makeStore(kind)
        let minimal = Sample.job("j-min")
        try store.saveJob(minimal)
        try store.saveJob(Sample.fullJob)
        #expect(try store.job(id: "j-min") == minimal)
        #expect(try store.job(id: "j-full") == Sample.fullJob)
        #expect(try store.job(id: "nope") == nil)

        var advanced = minimal
        advanced.phase = .forgetting
        advanced.phaseSeconds = ["saliency": 2.5, "mask": 0.01]
        advanced.phaseBytes = ["saliency": 123_456]
        try store.saveJob(advanced)
        #expect(try store.jobs() == [advanced, Sample.fullJob])
    }

    @Test(arguments: StoreKind.allCases)
    func unfinishedJobsExcludePublishedAndFailed(kind: StoreKind) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.makeStore(kind)
        let all = JobPhase.allCases.map { Sample.job("j-\($0.rawValue)", phase: $0) }
        for job in all { try store.saveJob(job) }
        let expected = all.filter { $0.phase != .published && $0.phase != .failed }
        #expect(expected.count == JobPhase.allCases.count - 2)
        #expect(try store.unfinishedJobs() == expected)

        var finished = all[1]
        finished.phase = .failed
        finished.failureReason = "forget holder client-0 did not come back within 60 s"
        try store.saveJob(finished)
        #expect(try store.unfinishedJobs() == [expected[0]] + expected.dropFirst(2))
    }

    @Test(arguments: StoreKind.allCases)
    func latestModelVersionIsTheHighestNumber(kind: StoreKind) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.makeStore(kind)
        #expect(try store.latestModelVersion() == nil)
        try store.recordModelVersion(Sample.versions[0])
        #expect(try store.latestModelVersion() == Sample.versions[0])
        for version in Sample.versions.dropFirst() { try store.recordModelVersion(version) }
        #expect(try store.latestModelVersion() == Sample.versions[1])
    }
}
