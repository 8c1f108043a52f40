import Foundation
import LetheFederation
import LetheTensor
import LetheWire

/// The coordinator's files: published model versions as safetensors (the format `LetheNN.Safetensors` reads, one
/// tensor per layout entry in arena order) and job checkpoints (`CheckpointFile`), each written atomically and
/// durably (`DurableFile`).
public struct ModelArchive: Sendable {
    public let directory: URL
    public let layout: [ParameterVector.Entry]

    public init(directory: URL, layout: [ParameterVector.Entry]) {
        self.directory = directory
        self.layout = layout
    }

    /// Writes `weights` as `model-v<version>.safetensors` atomically and durably (`DurableFile`); returns the path
    /// and the SHA-256 (hex) of the flat little-endian weights.
    public func publish(version: UInt64, weights: [Float], metadata: [String: String]) throws -> (path: String, sha256: String) {
        let url = fileURL(version: version)
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
        try DurableFile.replace(url, with: file)
        return (url.path, SHA256.hex(payload))
    }

    /// Where `publish` writes `version`.
    public func fileURL(version: UInt64) -> URL { directory.appendingPathComponent("model-v\(version).safetensors") }

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

    /// The `__metadata__` strings of a file written by `publish` (its origin, and for a job its id and metrics).
    public func metadata(path: String) throws -> [String: String] {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) } catch {
            throw CoordinatorError.files(path: path, reason: "unreadable (\(error.localizedDescription))")
        }
        defer { try? handle.close() }
        let prefix = (try? handle.read(upToCount: 8)) ?? Data()
        guard prefix.count == 8 else { throw CoordinatorError.files(path: path, reason: "truncated") }
        let length = prefix.reversed().reduce(0 as UInt64) { $0 << 8 | UInt64($1) }
        guard length < 100 << 20, let json = try? handle.read(upToCount: Int(length)), json.count == Int(length),
              let header = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw CoordinatorError.files(path: path, reason: "its safetensors header is not readable")
        }
        return header["__metadata__"] as? [String: String] ?? [:]
    }

    /// Stores a job checkpoint as one file, `jobs/<job>.checkpoint`, replaced atomically and durably
    /// (`DurableFile`), so a kill at any moment leaves the previous checkpoint or this one, never weights of one
    /// phase beside the record of another. Layout (`CheckpointFile`): magic, header length, JSON header, weights.
    public func saveCheckpoint(_ checkpoint: JobCheckpoint) throws {
        try DurableFile.replace(checkpointURL(checkpoint.jobID), with: CheckpointFile.encode(checkpoint))
    }

    /// The last checkpoint of a job, or nil when none was written.
    /// - Throws: `CoordinatorError.files` for a file that is truncated, damaged, of another job or of a model
    ///   with another number of weights: it is never half-read into a wrong model.
    public func loadCheckpoint(jobID: String) throws -> JobCheckpoint? {
        let url = checkpointURL(jobID)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let file: Data
        do { file = try Data(contentsOf: url) } catch {
            throw CoordinatorError.files(path: url.path, reason: "unreadable (\(error.localizedDescription))")
        }
        do {
            return try CheckpointFile.decode(file, jobID: jobID, weightCount: layout.reduce(0) { $0 + $1.count })
        } catch {
            throw CoordinatorError.files(path: url.path, reason: "not a usable checkpoint: \(error)")
        }
    }

    func checkpointURL(_ jobID: String) -> URL {
        directory.appendingPathComponent("jobs")
            .appendingPathComponent(jobID.replacingOccurrences(of: "/", with: "_") + ".checkpoint")
    }
}
