import Foundation
import LetheCoordinator
import LetheReport
import Testing

/// `lethe simulate --cache-dir` end to end at a tiny size: a first run trains and stores the federated original and
/// Retrain, a second run takes both from the cache without a FedAvg round and reports the same numbers, and a
/// damaged cache file stops a run with a message saying to delete it. `--skip-ft` is on in the first run,
/// `--noise-floor` (a second Retrain, never cached) in the second.
@Suite struct SimulateCacheTests {
    struct Run {
        var status: Int32
        var output: String
        var document: ResultsDocument?
        var simulation: [String: Any]
        var folder: URL

        func row(_ method: String) -> ResultRow? { document?.results.first { $0.method == method } }
        var activities: [ActivityReport] {
            let url = folder.appendingPathComponent("coordinator/activities.json")
            return (try? JSONDecoder().decode([ActivityReport].self, from: Data(contentsOf: url))) ?? []
        }
    }

    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-simcache-\(UUID().uuidString)")

    func simulate(_ name: String, _ extra: [String]) throws -> Run {
        let folder = scratch.appendingPathComponent(name)
        let json = scratch.appendingPathComponent("\(name).json")
        let (status, output) = try SimulateTests.lethe([
            "simulate", "--clients", "2", "--train-per-client", "200", "--test-subset", "200", "--rounds", "1",
            "--local-epochs", "1", "--ft-rounds", "1", "--cache-dir", scratch.appendingPathComponent("cache").path,
            "--run-dir", folder.path, "--json", json.path] + extra)
        let data = try? Data(contentsOf: json)
        let top = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return Run(status: status, output: output,
                   document: data.flatMap { try? JSONDecoder().decode(ResultsDocument.self, from: $0) },
                   simulation: top?["simulation"] as? [String: Any] ?? [:], folder: folder)
    }

    @Test(.timeLimit(.minutes(5)))
    func aSecondRunTakesOriginalAndRetrainFromTheCacheWithTheSameMetrics() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let first = try simulate("first", ["--skip-ft"])
        try #require(first.status == 0, "first run failed:\n\(first.output)")
        #expect(first.output.contains("original and retrain: trained in this run and stored in"), "\(first.output)")
        #expect(first.document?.results.map(\.method) == ["original", "retrain", "wss-cl"])  // --skip-ft
        #expect(!first.activities.contains { $0.name == "ft" })
        let firstCache = first.simulation["cache"] as? [String: Any]
        #expect(firstCache?["originalCached"] as? Bool == false && firstCache?["retrainCached"] as? Bool == false)

        let second = try simulate("second", ["--noise-floor"])
        try #require(second.status == 0, "second run failed:\n\(second.output)")
        #expect(second.output.contains("original and retrain: cached (trained in"), "\(second.output)")
        let cache = second.simulation["cache"] as? [String: Any]
        #expect(cache?["originalCached"] as? Bool == true && cache?["retrainCached"] as? Bool == true)
        #expect(second.document?.results.map(\.method) == ["original", "retrain", "wss-cl", "ft", "retrain-2"])
        #expect(second.output.contains("noise floor: a second federated Retrain"), "\(second.output)")
        for method in ["original", "retrain", "wss-cl"] {
            let (a, b) = (try #require(first.row(method)), try #require(second.row(method)))
            #expect([a.ua, a.ra, a.ta, a.mia] == [b.ua, b.ra, b.ta, b.mia], "\(method): \(a) vs \(b)")
        }
        #expect(first.row("original")?.seconds == second.row("original")?.seconds)
        #expect(first.row("retrain")?.seconds == second.row("retrain")?.seconds)
        // No FedAvg round for the original or Retrain: the original was loaded, Retrain never ran.
        let original = try #require(second.activities.first { $0.name == "original" })
        #expect(original.loadedFrom != nil && !original.phaseBytes.keys.contains { $0.hasPrefix("round-") })
        #expect(second.activities.map(\.name) == ["original", "wss-cl", "ft", "retrain-2"])
        let log = try String(contentsOf: second.folder.appendingPathComponent("coordinator.log"), encoding: .utf8)
        #expect(!log.contains("training original: round") && !log.contains("training retrain: "), "\(log)")

        let retrainFile = try #require(cache?["retrainFile"] as? String)
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: retrainFile))
        let damaged = try simulate("damaged", ["--skip-ft"])
        #expect(damaged.status != 0)
        #expect(damaged.output.contains("Delete it (rm '\(retrainFile)')"), "\(damaged.output)")
    }
}
