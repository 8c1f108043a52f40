import Foundation
import Testing
@testable import LetheData

@Suite struct FashionMNISTTests {
    static let installed = FileManager.default.fileExists(
        atPath: FashionMNIST.defaultDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path)

    @Test func directoryPrecedenceIsExplicitThenEnvironmentThenDefault() {
        let explicit = URL(fileURLWithPath: "/tmp/explicit")
        let environment = ["LETHE_DATA": "/tmp/from-env"]
        #expect(FashionMNIST.resolveDirectory(explicit, environment: environment) == explicit)
        #expect(FashionMNIST.resolveDirectory(nil, environment: environment).path == "/tmp/from-env")
        #expect(FashionMNIST.resolveDirectory(nil, environment: ["LETHE_DATA": ""]) == FashionMNIST.defaultDirectory)
        #expect(FashionMNIST.resolveDirectory(nil, environment: [:]) == FashionMNIST.defaultDirectory)
    }

    @Test func missingDirectoryReportsTheGzipPath() {
        let folder = URL(fileURLWithPath: "/nonexistent/fmnist")
        #expect(throws: DataError.missingFile(path: "/nonexistent/fmnist/t10k-images-idx3-ubyte.gz")) {
            try FashionMNIST.load(split: .test, directory: folder)
        }
    }

    /// The environment variable is honoured by `load`, and plain (uncompressed) files are found when no `.gz` exists.
    @Test func environmentFolderWithPlainFilesLoads() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let images = IDXArray(dimensions: [2, 28, 28], bytes: (0..<1568).map { UInt8($0 % 256) })
        try IDXWriter.write(images, to: folder.path("t10k-images-idx3-ubyte"), compressed: false)
        try IDXWriter.write(IDXArray(dimensions: [2], bytes: [4, 5]), to: folder.path("t10k-labels-idx1-ubyte"),
                            compressed: true)
        try Data().write(to: URL(fileURLWithPath: folder.path("ignored")))
        let dataset = try FashionMNIST.load(split: .test, environment: ["LETHE_DATA": folder.url.path])
        #expect(dataset.count == 2)
        #expect(dataset.labels == [4, 5])
        #expect(dataset.images == images.bytes)
    }

    @Test(.enabled(if: installed), arguments: [FashionMNIST.Split.train, .test])
    func realDataHasExpectedShapesAndBalancedClasses(split: FashionMNIST.Split) throws {
        let dataset = try FashionMNIST.load(split: split, environment: [:])
        let count = split == .train ? 60_000 : 10_000
        let shape: [Int] = [dataset.count, dataset.channels, dataset.height, dataset.width]
        #expect(shape == [count, 1, 28, 28])
        #expect(dataset.images.count == count * 784)
        #expect(dataset.classCounts == [Int](repeating: count / 10, count: 10))
        #expect(dataset.ids == Array(0..<count))
        let mean = Double(dataset.images.reduce(0) { $0 + Int($1) }) / Double(dataset.images.count) / 255
        #expect(abs(mean - 0.286) < 0.002, "pixel mean \(mean) should match Normalization.fashionMNIST")
    }

    /// The first training labels of the official file (9 = Ankle boot, 0 = T-shirt/top, …), a witness that bytes
    /// are read in order.
    @Test(.enabled(if: installed)) func firstTrainingLabelsMatchTheOfficialFile() throws {
        let labels = try IDXReader.read(path: FashionMNIST.defaultDirectory
            .appendingPathComponent("train-labels-idx1-ubyte.gz").path)
        #expect(Array(labels.bytes.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
    }
}
