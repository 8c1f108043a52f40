import Foundation
import LetheFederation
import LetheWire
import Testing
@testable import LetheCoordinator

/// `--initial-model` and `skip:N` (what `lethe simulate --cache-dir` relies on): a loaded original is published
/// without FedAvg rounds at the version training would reach, and a skipped Retrain leaves FT the versions and round
/// seeds it gets after a real one.
@Suite(.serialized) struct LoadedOriginalTests {
    static let loaded = LoadedOriginal(weights: (0..<8).map(Float.init), trainSeconds: 12.5,
                                       source: "/cache/original.safetensors")

    /// Every TrainRequest the clients received: (model version, seed).
    static func trainRequests(_ h: Harness) -> [[UInt64]] {
        h.clients[0].received.compactMap {
            if case .trainRequest(let r)? = $0.body { [r.modelVersion, r.seed] } else { nil }
        }
    }

    @Test func aLoadedOriginalIsPublishedAtTheTrainedVersionWithoutRounds() throws {
        let h = try Harness(loadedOriginal: Self.loaded, comparisons: [])
        try h.connectClients()
        try h.pump(until: { (try? h.store.latestModelVersion()) != nil })
        let published = try #require(try h.store.latestModelVersion())
        #expect(published.version == 2)  // the harness's two FedAvg rounds would reach v2
        #expect(published.origin == "fedavg original, loaded from /cache/original.safetensors")
        let archive = ModelArchive(directory: h.output, layout: h.node.configuration.layout)
        #expect(try archive.load(path: try #require(published.path)) == Self.loaded.weights)
        #expect(try archive.metadata(path: try #require(published.path))["train_seconds"] == "12.5")
        #expect(Self.trainRequests(h).isEmpty)
        let report = try #require(h.node.reports.first)
        #expect(report.name == "original" && report.seconds == 12.5 && report.loadedFrom == Self.loaded.source)
        #expect(!report.phaseBytes.keys.contains { $0.hasPrefix("round-") })
        try h.pump(limit: 20)
        for client in h.clients {  // every client now holds the loaded original as v2
            let last = client.received.compactMap { if case .modelWeights(let w)? = $0.body { w } else { nil } }.last
            #expect(last?.modelVersion == 2)
        }
    }

    @Test func aSkippedRetrainLeavesFTTheVersionsAndSeedsOfARealOne() throws {
        let real = try Harness(comparisons: [.retrain(rounds: 1), .fineTune(rounds: 1)])
        try real.startJob()
        try real.pump()

        let cached = try Harness(loadedOriginal: Self.loaded, comparisons: [.skipped(rounds: 1), .fineTune(rounds: 1)])
        try cached.startJob()
        try cached.pump()

        #expect(cached.node.isFinished)
        #expect(cached.node.reports.map(\.name) == ["original", "wss-cl", "ft"])
        #expect(real.node.reports.map(\.name) == ["original", "wss-cl", "retrain", "ft"])
        #expect(cached.node.reports.last?.modelVersion == real.node.reports.last?.modelVersion)
        // Real: original rounds 1–2 (v0, v1), Retrain round 3 (v5), FT round 4 (v7); cached: FT's alone, the same.
        #expect(Self.trainRequests(real).suffix(1) == [[7, 5]])
        #expect(Self.trainRequests(cached) == [[7, 5]])
    }

    @Test func aSecondRetrainStartsFromTheInitialWeightsOnOtherRoundSeeds() throws {
        let h = try Harness(comparisons: [.retrain(rounds: 1), .retrainAgain(rounds: 1)])
        try h.startJob()
        try h.pump()
        #expect(h.node.reports.map(\.name) == ["original", "wss-cl", "retrain", "retrain-2"])
        // Original rounds 1–2, Retrain round 3 from v5 (the initial weights re-published), retrain-2 round 4 from v7.
        #expect(Self.trainRequests(h).suffix(2) == [[5, 4], [7, 5]])
        let broadcasts = h.clients[0].received.compactMap { envelope -> Lethe_V1_ModelWeights? in
            if case .modelWeights(let w)? = envelope.body { w } else { nil }
        }
        for version: UInt64 in [5, 7] {
            let weights = try #require(broadcasts.first { $0.modelVersion == version })
            #expect(weights.parameters.data.allSatisfy { $0 == 0 }, "v\(version) is not the initial model")
        }
    }

    @Test func aLoadedOriginalOfAnotherSizeIsRefusedBeforeStarting() throws {
        let wrong = LoadedOriginal(weights: [1, 2, 3], trainSeconds: 0, source: "/tmp/other.safetensors")
        #expect(throws: CoordinatorError.self) { try Harness(loadedOriginal: wrong) }
    }
}
