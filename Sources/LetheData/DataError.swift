import Foundation

/// Everything that can go wrong while reading an image data set from disk.
///
/// Each case carries the path and the numbers needed to act on it, and `description` says what to do next, because
/// these errors reach users of `lethe train` and client nodes directly (STYLE.md principle 10). Tests assert the case.
public enum DataError: Error, Equatable, Sendable {
    /// No file at `path` (neither gzip-compressed nor plain).
    case missingFile(path: String)
    /// The file exists but could not be opened (permissions, a directory in its place, …).
    case unreadableFile(path: String, reason: String)
    /// The first bytes are not an IDX magic number `00 00 tt nd` with a known type code `tt` and `nd ≥ 1`.
    case badMagic(path: String, bytes: [UInt8])
    /// The IDX type code is valid but not unsigned bytes (0x08), the only element type image data sets use here.
    case unsupportedElementType(path: String, code: UInt8)
    /// The file ends inside the magic number or the dimension list.
    case truncatedHeader(path: String, expectedBytes: Int, actualBytes: Int)
    /// The payload holds fewer bytes than the product of the dimensions promises.
    case truncatedPayload(path: String, expectedBytes: Int, actualBytes: Int)
    /// The payload holds more bytes than the product of the dimensions promises (probably the wrong header).
    case trailingBytes(path: String, expectedBytes: Int)
    /// The header's dimensions multiply to more than `IDXReader.maximumPayloadBytes` (a damaged or hostile header).
    case implausibleSize(path: String, dimensions: [Int])
    /// zlib reported an error while inflating (a damaged or cut-off gzip stream).
    case corruptGzip(path: String, message: String)
    /// The file has the wrong number of dimensions for its role (images need 3 or 4, labels 1).
    case unexpectedRank(path: String, expected: String, actual: [Int])
    /// The image and label files describe different numbers of samples.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// A label lies outside `0..<classCount`.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// Writing an IDX file failed (full disk, missing folder, no permission).
    case writeFailed(path: String, reason: String)
}

extension DataError: CustomStringConvertible, LocalizedError {
    /// One or two sentences: what is wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case let .missingFile(path):
            return "Data file not found: \(path). Install Fashion-MNIST with `bash Deploy/setup.sh` (Debian package "
                + "dataset-fashion-mnist), or point `--data-dir` or the LETHE_DATA variable at a folder holding "
                + "the IDX files (gzip-compressed or plain)."
        case let .unreadableFile(path, reason):
            return "Cannot open \(path): \(reason). Check that it is a readable file."
        case let .badMagic(path, bytes):
            let hex = bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
            return "\(path) is not an IDX file: it starts with [\(hex)], expected 00 00 08 <rank>. "
                + "Re-download or reinstall the data set."
        case let .unsupportedElementType(path, code):
            return "\(path) holds IDX elements of type 0x\(String(code, radix: 16)); only unsigned bytes (0x08) are "
                + "supported for image and label files."
        case let .truncatedHeader(path, expected, actual):
            return "\(path) ends inside its IDX header: expected \(expected) header bytes, found \(actual). "
                + "The file is truncated; reinstall it."
        case let .truncatedPayload(path, expected, actual):
            return "\(path) is truncated: its header promises \(expected) payload bytes but only \(actual) follow. "
                + "Reinstall the data set."
        case let .trailingBytes(path, expected):
            return "\(path) has more than the \(expected) payload bytes its header promises; the header or the file "
                + "is wrong."
        case let .implausibleSize(path, dimensions):
            return "\(path) claims dimensions \(dimensions), more than \(IDXReader.maximumPayloadBytes) bytes; "
                + "the header is damaged."
        case let .corruptGzip(path, message):
            return "\(path) is a damaged gzip file (zlib: \(message)). Reinstall the data set."
        case let .unexpectedRank(path, expected, actual):
            return "\(path) has dimensions \(actual); expected \(expected). Are image and label files swapped?"
        case let .countMismatch(imagesPath, images, labelsPath, labels):
            return "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels; "
                + "the two files must come from the same split."
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): label \(label) of sample \(index) is outside 0..<\(classCount)."
        case let .writeFailed(path, reason):
            return "Cannot write \(path): \(reason). Check that the folder exists and has free space."
        }
    }

    /// The same text as `description`, so `localizedDescription` is useful too.
    public var errorDescription: String? { description }
}
