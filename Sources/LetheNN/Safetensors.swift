import Foundation
import LetheTensor

/// Why a checkpoint could not be written or read.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case truncated(path: String, detail: String)
    case malformedHeader(path: String, detail: String)
    case architectureMismatch(path: String, expected: String, found: String)
    case missingTensor(path: String, name: String)
    case unexpectedTensor(path: String, name: String)
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    case unsupportedType(path: String, name: String, dtype: String)
    case notFinite(path: String, name: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read checkpoint \(path): \(reason)"
        case .truncated(let path, let detail): return "checkpoint \(path) is truncated: \(detail)"
        case .malformedHeader(let path, let detail): return "checkpoint \(path) is not valid safetensors: \(detail)"
        case .architectureMismatch(let path, let expected, let found):
            return "checkpoint \(path) holds a \(found) model, but a \(expected) model was asked for"
        case .missingTensor(let path, let name):
            return "checkpoint \(path) has no tensor \(name): it was saved from a different model"
        case .unexpectedTensor(let path, let name):
            return "checkpoint \(path) has a tensor \(name) that this model does not: it was saved from a different model"
        case .shapeMismatch(let path, let name, let expected, let found):
            return "checkpoint \(path): \(name) has shape \(found), the model needs \(expected)"
        case .unsupportedType(let path, let name, let dtype):
            return "checkpoint \(path): \(name) is \(dtype); only F32 is supported"
        case .notFinite(let path, let name): return "checkpoint \(path): \(name) contains NaN or infinity"
        }
    }
}

/// Checkpoints in the safetensors format (https://huggingface.co/docs/safetensors), so PyTorch users can
/// `safetensors.torch.load_file` a Lethe model directly: tensor names and shapes match `torch_reference.py`.
///
/// Layout: an 8-byte little-endian header length, a JSON header mapping each name to
/// {dtype, shape, data_offsets}, padded with spaces to a multiple of 8, then the raw little-endian data.
public enum Safetensors {
    /// Writes every parameter of `parameters` plus string metadata, atomically (temp file, then rename).
    public static func save(_ parameters: ParameterVector, metadata: [String: String], to url: URL) throws {
        var header: [String: Any] = ["__metadata__": metadata]
        for entry in parameters.entries {
            header[entry.name] = ["dtype": "F32", "shape": entry.shape,
                                  "data_offsets": [entry.offset * 4, (entry.offset + entry.count) * 4]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data(capacity: 8 + json.count + parameters.count * 4)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        parameters.values.withUnsafeBufferPointer { file.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.write(to: url, options: .atomic)
        } catch {
            throw CheckpointError.unreadable(path: url.path, reason: "write failed: \(error.localizedDescription)")
        }
    }

    /// Reads a checkpoint into `parameters`, which must have exactly the same names and shapes.
    /// Nothing is changed unless the whole file is valid. Returns the metadata.
    @discardableResult
    public static func load(into parameters: ParameterVector, from url: URL,
                            expectedArchitecture: String? = nil) throws -> [String: String] {
        let path = url.path
        let file: Data
        do { file = try Data(contentsOf: url) } catch {
            throw CheckpointError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path)
                                             ? error.localizedDescription : "no such file")
        }
        let (header, dataStart) = try parseHeader(file, path: path)
        let metadata = (header["__metadata__"] as? [String: String]) ?? [:]
        if let expectedArchitecture, let found = metadata["architecture"], found != expectedArchitecture {
            throw CheckpointError.architectureMismatch(path: path, expected: expectedArchitecture, found: found)
        }
        var values = parameters.values
        for entry in parameters.entries {
            try read(entry, from: header, file: file, dataStart: dataStart, path: path, into: &values)
        }
        let known = Set(parameters.entries.map(\.name))
        if let extra = header.keys.sorted().first(where: { $0 != "__metadata__" && !known.contains($0) }) {
            throw CheckpointError.unexpectedTensor(path: path, name: extra)
        }
        parameters.values = values
        return metadata
    }

    private static func parseHeader(_ file: Data, path: String) throws -> ([String: Any], Int) {
        guard file.count >= 8 else { throw CheckpointError.truncated(path: path, detail: "\(file.count) bytes, no header") }
        let length = file.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(file.count - 8) else {
            throw CheckpointError.malformedHeader(
                path: path, detail: "its header length (\(length) bytes) exceeds the file (\(file.count) bytes); "
                    + "the file is not a safetensors checkpoint or was cut short")
        }
        let json = file.subdata(in: 8..<(8 + Int(length)))
        guard let header = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw CheckpointError.malformedHeader(path: path, detail: "the header is not a JSON object")
        }
        return (header, 8 + Int(length))
    }

    private static func read(_ entry: ParameterVector.Entry, from header: [String: Any], file: Data, dataStart: Int,
                             path: String, into values: inout [Float]) throws {
        guard let info = header[entry.name] as? [String: Any] else {
            throw CheckpointError.missingTensor(path: path, name: entry.name)
        }
        guard let dtype = info["dtype"] as? String, let shape = info["shape"] as? [Int],
              let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
            throw CheckpointError.malformedHeader(path: path, detail: "entry \(entry.name) lacks dtype, shape or offsets")
        }
        guard dtype == "F32" else { throw CheckpointError.unsupportedType(path: path, name: entry.name, dtype: dtype) }
        guard shape == entry.shape else {
            throw CheckpointError.shapeMismatch(path: path, name: entry.name, expected: entry.shape, found: shape)
        }
        let (begin, end) = (dataStart + offsets[0], dataStart + offsets[1])
        guard offsets[0] >= 0, end - begin == entry.count * 4 else {
            throw CheckpointError.malformedHeader(path: path, detail: "offsets of \(entry.name) do not match its shape")
        }
        guard end <= file.count else {
            throw CheckpointError.truncated(path: path, detail: "\(entry.name) ends at byte \(end) of \(file.count)")
        }
        var finite = true
        file.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer { out in
                for i in 0..<entry.count {
                    let bits = raw.loadUnaligned(fromByteOffset: begin + 4 * i, as: UInt32.self)
                    let value = Float(bitPattern: UInt32(littleEndian: bits))
                    finite = finite && value.isFinite
                    out[entry.offset + i] = value
                }
            }
        }
        guard finite else { throw CheckpointError.notFinite(path: path, name: entry.name) }
    }
}
