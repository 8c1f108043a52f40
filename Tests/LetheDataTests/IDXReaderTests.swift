import Foundation
import Testing
@testable import LetheData

@Suite struct IDXReaderTests {
    /// 3 images of 2×3 pixels with distinct bytes, and their labels.
    let images = IDXArray(dimensions: [3, 2, 3], bytes: (0..<18).map { UInt8($0 * 13 % 256) })
    let labels = IDXArray(dimensions: [3], bytes: [2, 0, 9])

    @Test(arguments: [true, false]) func roundTripKeepsDimensionsAndBytes(compressed: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path(compressed ? "a.gz" : "a")
        try IDXWriter.write(images, to: path, compressed: compressed)
        #expect(try IDXReader.read(path: path) == images)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(raw.prefix(2)) == (compressed ? [0x1F, 0x8B] : [0, 0]))   // gzip magic vs IDX magic
    }

    @Test func headerIsBigEndian() {
        #expect(IDXWriter.header(for: [60000, 28]) == [0, 0, 8, 2, 0, 0, 0xEA, 0x60, 0, 0, 0, 28])
    }

    @Test(arguments: [true, false]) func pairLoadsAsDataset(compressed: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try IDXWriter.write(images, to: folder.path("i"), compressed: compressed)
        try IDXWriter.write(labels, to: folder.path("l"), compressed: compressed)
        let dataset = try FashionMNIST.loadIDXPair(imagesPath: folder.path("i"), labelsPath: folder.path("l"),
                                                   classCount: 10)
        #expect(dataset.count == 3 && dataset.channels == 1 && dataset.height == 2 && dataset.width == 3)
        #expect(dataset.images == images.bytes)
        #expect(dataset.labels == [2, 0, 9])
        #expect(dataset.ids == [0, 1, 2])
    }

    @Test func missingFileNamesPathAndSetupScript() {
        let path = "/nonexistent/lethe/train-images-idx3-ubyte.gz"
        #expect(throws: DataError.missingFile(path: path)) { try IDXReader.read(path: path) }
        let text = DataError.missingFile(path: path).description
        #expect(text.contains(path) && text.contains("Deploy/setup.sh") && text.contains("LETHE_DATA"))
        #expect(text.contains("--data-dir") && text.contains("dataset-fashion-mnist"))
    }

    @Test func badMagicIsRejected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("bad")
        try Data([0x50, 0x4B, 3, 4, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.badMagic(path: path, bytes: [0x50, 0x4B, 3, 4])) { try IDXReader.read(path: path) }
    }

    @Test func floatElementsAreUnsupported() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("floats")
        try Data([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.unsupportedElementType(path: path, code: 0x0D)) { try IDXReader.read(path: path) }
    }

    @Test func truncatedHeaderAndPayloadReportByteCounts() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let header = folder.path("header"), payload = folder.path("payload")
        try Data([0, 0, 8, 3, 0, 0, 0, 3, 0, 0]).write(to: URL(fileURLWithPath: header))
        #expect(throws: DataError.truncatedHeader(path: header, expectedBytes: 16, actualBytes: 10)) {
            try IDXReader.read(path: header)
        }
        let full = IDXWriter.header(for: [3, 2, 3]) + [UInt8](repeating: 7, count: 11)
        try Data(full).write(to: URL(fileURLWithPath: payload))
        #expect(throws: DataError.truncatedPayload(path: payload, expectedBytes: 18, actualBytes: 11)) {
            try IDXReader.read(path: payload)
        }
    }

    @Test func absurdDimensionsAreRejectedBeforeAllocating() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("huge")
        let dimensions = [65536, 65536, 2]
        try Data(IDXWriter.header(for: dimensions)).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.implausibleSize(path: path, dimensions: dimensions)) {
            try IDXReader.read(path: path)
        }
    }

    @Test func trailingBytesAreRejected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("long")
        try Data(IDXWriter.header(for: [2]) + [1, 2, 3]).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.trailingBytes(path: path, expectedBytes: 2)) { try IDXReader.read(path: path) }
    }

    /// A gzip stream cut in the middle is a corrupt gzip, not a short payload: zlib must notice the missing end.
    @Test func truncatedGzipIsCorrupt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("cut.gz")
        var rng = UInt64(12345)
        let noise = (0..<40_000).map { _ -> UInt8 in
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: rng >> 56)
        }
        try IDXWriter.write(IDXArray(dimensions: [40_000], bytes: noise), to: path, compressed: true)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        let error = dataError { _ = try IDXReader.read(path: path) }
        guard case .corruptGzip(let reported, let message) = error else {
            Issue.record("expected corruptGzip, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(!message.isEmpty)
    }

    @Test func damagedGzipBodyIsCorrupt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("flipped.gz")
        try IDXWriter.write(IDXArray(dimensions: [4000], bytes: (0..<4000).map { UInt8($0 % 251) }), to: path,
                            compressed: true)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for i in 12..<(bytes.count - 8) { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        guard case .corruptGzip = dataError({ _ = try IDXReader.read(path: path) }) else {
            Issue.record("expected corruptGzip")
            return
        }
    }

    @Test func countMismatchNamesBothFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (imagePath, labelPath) = (folder.path("i.gz"), folder.path("l.gz"))
        try IDXWriter.write(images, to: imagePath, compressed: true)
        try IDXWriter.write(IDXArray(dimensions: [2], bytes: [1, 2]), to: labelPath, compressed: true)
        #expect(throws: DataError.countMismatch(imagesPath: imagePath, images: 3, labelsPath: labelPath, labels: 2)) {
            try FashionMNIST.loadIDXPair(imagesPath: imagePath, labelsPath: labelPath, classCount: 10)
        }
    }

    @Test func swappedFilesAndBadLabelsAreRejected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (imagePath, labelPath) = (folder.path("i"), folder.path("l"))
        try IDXWriter.write(images, to: imagePath, compressed: false)
        try IDXWriter.write(IDXArray(dimensions: [3], bytes: [1, 10, 2]), to: labelPath, compressed: false)
        #expect(throws: DataError.unexpectedRank(path: labelPath, expected: "[N, H, W] or [N, C, H, W]", actual: [3])) {
            try FashionMNIST.loadIDXPair(imagesPath: labelPath, labelsPath: imagePath, classCount: 10)
        }
        #expect(throws: DataError.labelOutOfRange(path: labelPath, index: 1, label: 10, classCount: 10)) {
            try FashionMNIST.loadIDXPair(imagesPath: imagePath, labelsPath: labelPath, classCount: 10)
        }
    }
}
