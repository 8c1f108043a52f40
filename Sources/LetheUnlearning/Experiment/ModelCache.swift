import Foundation
import LetheNN

/// Trained models on disk, keyed by everything they depend on, so sweeps never retrain the original or Retrain.
/// The training time is kept in the checkpoint's metadata (RTE needs Retrain's time).
struct ModelCache {
    let directory: URL?

    /// The cached model and its training seconds, or a freshly trained one (then stored).
    func model(key: String, architecture: Sequential, train: () throws -> Double) throws -> (Sequential, Double) {
        if let url = directory?.appendingPathComponent("\(key).safetensors"),
           FileManager.default.fileExists(atPath: url.path) {
            let metadata = try Safetensors.load(into: architecture.parameters, from: url,
                                                expectedArchitecture: architecture.architecture)
            if let seconds = metadata["train_seconds"].flatMap(Double.init) { return (architecture, seconds) }
        }
        let seconds = try train()
        if let url = directory?.appendingPathComponent("\(key).safetensors") {
            try Safetensors.save(architecture.parameters, metadata: ["architecture": architecture.architecture,
                                                                     "train_seconds": "\(seconds)", "key": key], to: url)
        }
        return (architecture, seconds)
    }
}
