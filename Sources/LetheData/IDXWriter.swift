import CZlib
import Foundation

/// Writes unsigned-byte IDX files, gzip-compressed through zlib or plain.
///
/// Used to export subsets (a client's partition, a forget set) in the format every MNIST tool reads, and by the tests
/// to build small files for the reader, so the round trip runs through the same zlib the reader uses.
public enum IDXWriter {
    /// Writes `array` to `path`, replacing any file there; `compressed` selects gzip (zlib level 6) over plain bytes.
    public static func write(_ array: IDXArray, to path: String, compressed: Bool) throws {
        let data = header(for: array.dimensions) + array.bytes
        if compressed {
            try writeGzip(data, to: path)
        } else {
            do {
                try Data(data).write(to: URL(fileURLWithPath: path))
            } catch {
                throw DataError.writeFailed(path: path, reason: error.localizedDescription)
            }
        }
    }

    /// Magic `00 00 08 nd`, then each extent as a big-endian UInt32.
    static func header(for dimensions: [Int]) -> [UInt8] {
        precondition(!dimensions.isEmpty && dimensions.count < 256, "IDX needs 1–255 dimensions, got \(dimensions)")
        var bytes: [UInt8] = [0, 0, IDXReader.unsignedByteCode, UInt8(dimensions.count)]
        for extent in dimensions {
            precondition(extent >= 0 && extent <= Int(UInt32.max), "extent \(extent) does not fit in UInt32")
            bytes += withUnsafeBytes(of: UInt32(extent).bigEndian) { Array($0) }
        }
        return bytes
    }

    private static func writeGzip(_ data: [UInt8], to path: String) throws {
        guard let handle = gzopen(path, "wb") else {
            throw DataError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        var written = 0
        data.withUnsafeBytes { raw in
            while written < raw.count {
                let chunk = UInt32(min(raw.count - written, 1 << 30))
                let result = gzwrite(handle, raw.baseAddress! + written, chunk)
                if result <= 0 { break }
                written += Int(result)
            }
        }
        let closed = gzclose(handle)
        guard written == data.count, closed == Z_OK else {
            let reason = "zlib wrote \(written) of \(data.count) bytes, close code \(closed)"
            throw DataError.writeFailed(path: path, reason: reason)
        }
    }
}
