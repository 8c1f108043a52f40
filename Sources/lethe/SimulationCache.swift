import Foundation
import LetheCoordinator
import LetheNN

/// `lethe simulate --cache-dir`: the federated original and federated Retrain of earlier runs, one safetensors file
/// each, named after the `FederatedRunKey` of everything that determined them. Each file carries its full key
/// (`cache_key`, compared on load, so a hash collision or a renamed file is caught) and the wall seconds its
/// training took (`train_seconds`, for the time ratio). Files are written to a temporary name and renamed, so an
/// interrupted run leaves no half-written model behind.
struct SimulationCache {
    /// One cached model: its file and the key it must carry.
    struct Entry {
        var name: String
        var url: URL
        var key: String
    }

    /// A model found in the cache.
    struct Hit {
        var weights: [Float]
        var seconds: Double
        var url: URL
    }

    let original: Entry
    let retrain: Entry

    init(directory: URL, key: FederatedRunKey, scenario: String, forgetIDs: [Int]) {
        original = Entry(name: "original", url: directory.appendingPathComponent(key.originalFileName),
                         key: key.original)
        retrain = Entry(name: "retrain",
                        url: directory.appendingPathComponent(key.retrainFileName(scenario: scenario, forgetIDs: forgetIDs)),
                        key: key.retrain(scenario: scenario, forgetIDs: forgetIDs))
    }

    /// The cached model, or nil when its file does not exist.
    /// - Throws: `SimulationError.cache` for a file that is not a cnn-small checkpoint of this key.
    func load(_ entry: Entry) throws -> Hit? {
        guard FileManager.default.fileExists(atPath: entry.url.path) else { return nil }
        let model = Architecture.cnnSmall.build(seed: 0)
        let metadata: [String: String]
        do {
            metadata = try Safetensors.load(into: model.parameters, from: entry.url,
                                            expectedArchitecture: model.architecture)
        } catch {
            throw SimulationError.cache(path: entry.url.path, reason: "\(error)")
        }
        guard metadata["cache_key"] == entry.key else {
            throw SimulationError.cache(path: entry.url.path, reason: "it was stored for "
                + "'\(metadata["cache_key"] ?? "no key")', not for '\(entry.key)'")
        }
        guard let seconds = metadata["train_seconds"].flatMap(Double.init), seconds >= 0 else {
            throw SimulationError.cache(path: entry.url.path, reason: "its train_seconds is missing or not a number")
        }
        return Hit(weights: model.parameters.values, seconds: seconds, url: entry.url)
    }

    /// Stores `weights` under `entry` with their training seconds (temporary file, then rename).
    func store(_ entry: Entry, weights: [Float], seconds: Double) throws {
        let model = Architecture.cnnSmall.build(seed: 0)
        precondition(weights.count == model.parameters.values.count, "cnn-small weights expected")
        model.parameters.values = weights
        try Safetensors.save(model.parameters, metadata: ["architecture": model.architecture, "cache_key": entry.key,
                                                          "train_seconds": "\(seconds)"], to: entry.url)
    }
}
