import Foundation
import LetheCoordinator
import LetheNN

/// `--cache-dir` and `--skip-ft`: what the coordinator is asked to run, and how cached rows are reported.
extension SimulateCommand {
    /// The cache key of this run: the coordinator's FedAvg settings exactly as `lethe coordinator` parses them
    /// from `coordinatorSettings`, so a default changed there changes the key too, plus the clients' data.
    func runKey(coordinatorSettings: [String], trainPerClient: Int?, testPerClient: Int,
                canary: String? = nil) throws -> FederatedRunKey {
        let federation = try CoordinatorCommand.parse(coordinatorSettings).federationConfiguration()
        var key = FederatedRunKey(seed: seed, clients: clients, partition: partition, trainPerClient: trainPerClient,
                                  testPerClient: testPerClient, training: federation.training,
                                  aggregation: federation.aggregation)
        key.canary = canary
        return key
    }

    /// The coordinator's `--comparisons`: Retrain, or when it is cached `skip` in its place (so FT trains with the
    /// round seeds and versions it gets without the cache), then FT unless `--skip-ft`.
    func comparisonList(retrainCached: Bool) -> String {
        // A cached Retrain's place is skipped only when a run after it needs the round seeds it would have used.
        var runs = retrainCached ? (skipFt && !noiseFloor ? [] : ["skip:\(rounds)"]) : ["retrain:\(rounds)"]
        if !skipFt { runs.append("ft:\(ftRounds)") }
        if noiseFloor { runs.append("retrain-again:\(rounds)") }
        return runs.joined(separator: ",")
    }

    /// Stores the original and Retrain this run trained (`runs`: those two reports); cached ones are left alone.
    func storeTrained(in cache: SimulationCache, runs: [ActivityReport], weights: [String: [Float]]) throws {
        for (entry, run) in zip([cache.original, cache.retrain], runs) where run.loadedFrom == nil {
            guard let trained = weights[run.name] else { continue }
            try cache.store(entry, weights: trained, seconds: run.seconds)
        }
    }

    /// The weights of a version the coordinator published.
    func publishedWeights(_ run: ActivityReport, folder: URL) throws -> [Float] {
        guard let path = run.modelPath else { throw SimulationError.node("\(run.name) published no model file") }
        let parameters = Architecture.cnnSmall.build(seed: 0).parameters
        let (count, layout) = (parameters.values.count, parameters.entries)
        let weights = try ModelArchive(directory: folder, layout: layout).load(path: path)
        guard weights.count == count else {
            throw SimulationError.node("\(path) holds \(weights.count) weights, cnn-small has \(count)")
        }
        return weights
    }

    /// "original and retrain: cached (trained in 185.2 s / 221.8 s on a previous run), key …", or which one was.
    func cacheSummary(_ cache: SimulationCache, original: ActivityReport, retrain: ActivityReport) -> String {
        let cached = [original, retrain].filter { $0.loadedFrom != nil }
        let trained = [original, retrain].filter { $0.loadedFrom == nil }
        var parts: [String] = []
        if !cached.isEmpty {
            parts.append(cached.map(\.name).joined(separator: " and ") + ": cached (trained in "
                         + cached.map { String(format: "%.1f s", $0.seconds) }.joined(separator: " / ")
                         + " on a previous run)")
        }
        if !trained.isEmpty {
            parts.append(trained.map(\.name).joined(separator: " and ") + ": trained in this run and stored in "
                         + cache.original.url.deletingLastPathComponent().path)
        }
        return parts.joined(separator: "; ") + ", key \(cache.retrain.key)"
    }

    func cacheDetails(_ cache: SimulationCache, original: ActivityReport,
                      retrain: ActivityReport) -> SimulationDocument.CacheDetails {
        .init(directory: cache.original.url.deletingLastPathComponent().path, key: cache.retrain.key,
              originalCached: original.loadedFrom != nil, retrainCached: retrain.loadedFrom != nil,
              originalFile: cache.original.url.path, retrainFile: cache.retrain.url.path,
              originalTrainSeconds: original.seconds, retrainTrainSeconds: retrain.seconds)
    }
}

extension SimulationCache.Hit {
    /// The row of a model the coordinator never ran: its cached seconds, `loadedFrom` the cache file.
    func report(name: String) -> ActivityReport {
        var report = ActivityReport(name: name, kind: "training")
        report.seconds = seconds
        report.loadedFrom = url.path
        return report
    }
}
