import Foundation
import LetheFederation
import LetheTensor
import LetheWire

/// The coordinator's files: published model versions as safetensors (the format `LetheNN.Safetensors` reads, one
/// tensor per layout entry in arena order) and job checkpoints (JSON plus raw little-endian weights).
public struct ModelArchive: Sendable {
    public let directory: URL
    public let layout: [ParameterVector.Entry]

    public init(directory: URL, layout: [ParameterVector.Entry]) {
        self.directory = directory
        self.layout = layout
    }

    /// Writes `weights` as `model-v<version>.safetensors` atomically; returns the path and the SHA-256 (hex) of the
    /// flat little-endian weights.
    public func publish(version: UInt64, weights: [Float], metadata: [String: String]) throws -> (path: String, sha256: String) {
        let url = directory.appendingPathComponent("model-v\(version).safetensors")
        var header: [String: Any] = ["__metadata__": metadata.merging(["model_version": "\(version)"]) { $1 }]
        for entry in layout {
            header[entry.name] = ["dtype": "F32", "shape": entry.shape,
                                  "data_offsets": [entry.offset * 4, (entry.offset + entry.count) * 4]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        let payload = weights.withUnsafeBytes { Data($0) }
        var file = Data(capacity: 8 + json.count + payload.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(payload)
        try write(file, to: url)
        return (url.path, SHA256.hex(payload))
    }

    /// The flat weights of a file written by `publish` (or `Safetensors.save` with the same layout).
    public func load(path: String) throws -> [Float] {
        let file: Data
        do { file = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CoordinatorError.files(path: path, reason: "unreadable (\(error.localizedDescription))")
        }
        guard file.count >= 8 else { throw CoordinatorError.files(path: path, reason: "truncated") }
        let length = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let count = layout.reduce(0) { $0 + $1.count }
        guard length >= 0, 8 + length + count * 4 == file.count else {
            throw CoordinatorError.files(path: path, reason: "size does not match a model of \(count) weights")
        }
        return file.subdata(in: (8 + length)..<file.count).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Stores a job checkpoint: `<job>.checkpoint.json` (phase, version, mask, statistics) and `<job>.weights.f32`.
    public func saveCheckpoint(_ checkpoint: JobCheckpoint) throws {
        var meta = checkpoint
        meta.weights = []
        let base = checkpointBase(checkpoint.jobID)
        try write(checkpoint.weights.withUnsafeBytes { Data($0) }, to: base.appendingPathExtension("weights.f32"))
        try write(try JSONEncoder().encode(meta), to: base.appendingPathExtension("checkpoint.json"))
    }

    /// The last checkpoint of a job, nil when none was written or it is incomplete.
    public func loadCheckpoint(jobID: String) -> JobCheckpoint? {
        let base = checkpointBase(jobID)
        guard let json = try? Data(contentsOf: base.appendingPathExtension("checkpoint.json")),
              var checkpoint = try? JSONDecoder().decode(JobCheckpoint.self, from: json),
              let raw = try? Data(contentsOf: base.appendingPathExtension("weights.f32")),
              raw.count == layout.reduce(0, { $0 + $1.count }) * 4 else { return nil }
        checkpoint.weights = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return checkpoint
    }

    private func checkpointBase(_ jobID: String) -> URL {
        directory.appendingPathComponent("jobs").appendingPathComponent(jobID.replacingOccurrences(of: "/", with: "_"))
    }

    private func write(_ data: Data, to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw CoordinatorError.files(path: url.path, reason: error.localizedDescription)
        }
    }
}
