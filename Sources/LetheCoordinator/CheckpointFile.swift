import Foundation
import LetheFederation
import LetheWire

/// The one-file form of a `JobCheckpoint`, checked whole on load:
///
///     bytes 0..<8     "LETHECKP"
///     bytes 8..<16    H, the header length (UInt64, little-endian)
///     next H bytes    JSON `Header`: format 1, the weight count N, the SHA-256 (hex) of the weight bytes, and the
///                     checkpoint without its weights
///     next 4·N bytes  the weights, little-endian float32
///
/// A file is accepted only if its length is exactly 16 + H + 4N, N is the model's weight count, the hash matches
/// and the header names the job asked for; truncation, a torn write or a bit flip in the weights therefore fails
/// instead of yielding a wrong model.
enum CheckpointFile {
    static let magic = Data("LETHECKP".utf8)
    static let format = 1

    struct Header: Codable {
        var format: Int
        var weightCount: Int
        var weightsSHA256: String
        var checkpoint: JobCheckpoint
    }

    enum DecodingError: Error, Equatable, CustomStringConvertible {
        case notACheckpoint
        case truncated(expected: Int, actual: Int)
        case header(String)
        case otherFormat(Int)
        case otherJob(String)
        case weightCount(expected: Int, actual: Int)
        case checksum

        var description: String {
            switch self {
            case .notACheckpoint: "it does not start with LETHECKP"
            case .truncated(let expected, let actual): "it is \(actual) bytes long, its header promises \(expected)"
            case .header(let detail): "its header is not valid JSON (\(detail))"
            case .otherFormat(let format): "format \(format) is not \(CheckpointFile.format)"
            case .otherJob(let id): "it belongs to job \(id)"
            case .weightCount(let expected, let actual): "it holds \(actual) weights, the model has \(expected)"
            case .checksum: "its weights do not match their SHA-256"
            }
        }
    }

    static func encode(_ checkpoint: JobCheckpoint) throws -> Data {
        let payload = checkpoint.weights.withUnsafeBytes { Data($0) }
        var stripped = checkpoint
        stripped.weights = []
        let header = try JSONEncoder().encode(Header(format: format, weightCount: checkpoint.weights.count,
                                                     weightsSHA256: SHA256.hex(payload), checkpoint: stripped))
        var file = magic
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        file.append(payload)
        return file
    }

    static func decode(_ file: Data, jobID: String, weightCount: Int) throws(DecodingError) -> JobCheckpoint {
        guard file.count >= 16, file.prefix(8) == magic else { throw .notACheckpoint }
        let length = file.dropFirst(8).prefix(8).reversed().reduce(0 as UInt64) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(file.count - 16) else { throw .truncated(expected: 16 + Int(length), actual: file.count) }
        let headerEnd = 16 + Int(length)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: file.subdata(in: 16..<headerEnd))
        } catch {
            throw .header("\(error)")
        }
        guard header.format == format else { throw .otherFormat(header.format) }
        guard header.weightCount == weightCount else { throw .weightCount(expected: weightCount, actual: header.weightCount) }
        guard file.count == headerEnd + 4 * weightCount else {
            throw .truncated(expected: headerEnd + 4 * weightCount, actual: file.count)
        }
        guard header.checkpoint.jobID == jobID else { throw .otherJob(header.checkpoint.jobID) }
        let payload = file.subdata(in: headerEnd..<file.count)
        guard SHA256.hex(payload) == header.weightsSHA256 else { throw .checksum }
        var checkpoint = header.checkpoint
        checkpoint.weights = payload.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return checkpoint
    }
}
