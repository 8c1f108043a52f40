import Foundation

/// Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of 10 clothing classes, 60,000 for training, 10,000 for test.
///
/// Files are looked up as `{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`, falling back to the same names without
/// `.gz`. The folder is, in order of precedence: the explicit `directory`, the `LETHE_DATA` environment variable,
/// then `/usr/share/datasets/fashion-mnist` where the Debian package `dataset-fashion-mnist` installs it.
public enum FashionMNIST {
    /// Which official file pair to read.
    public enum Split: String, Sendable, CaseIterable, Codable {
        /// The 60,000 training images (`train-…`).
        case train
        /// The 10,000 test images (`t10k-…`).
        case test

        /// File-name prefix used by the official distribution.
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// Where `dataset-fashion-mnist` installs the files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    /// Environment variable that overrides `defaultDirectory`.
    public static let environmentVariable = "LETHE_DATA"
    /// Number of classes (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot).
    public static let classCount = 10
    /// Class names in label order, for reports.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The folder to read: `explicit` if given, else `LETHE_DATA` if set and non-empty, else `defaultDirectory`.
    public static func resolveDirectory(_ explicit: URL?,
                                        environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit { return explicit }
        if let variable = environment[environmentVariable], !variable.isEmpty {
            return URL(fileURLWithPath: variable)
        }
        return defaultDirectory
    }

    /// Loads one split, checking that images are N×28×28 (or N×C×H×W), labels N, counts equal and labels in 0..<10.
    public static func load(
        split: Split, directory: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ImageDataset {
        let folder = resolveDirectory(directory, environment: environment)
        let imagesPath = locate("\(split.filePrefix)-images-idx3-ubyte", in: folder)
        let labelsPath = locate("\(split.filePrefix)-labels-idx1-ubyte", in: folder)
        return try loadIDXPair(imagesPath: imagesPath, labelsPath: labelsPath, classCount: classCount)
    }

    /// Reads an image file and a label file into a data set; usable for any MNIST-format pair.
    public static func loadIDXPair(imagesPath: String, labelsPath: String, classCount: Int) throws -> ImageDataset {
        let images = try IDXReader.read(path: imagesPath)
        let labels = try IDXReader.read(path: labelsPath)
        let dims = images.dimensions
        guard dims.count == 3 || dims.count == 4, dims.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw DataError.unexpectedRank(path: imagesPath, expected: "[N, H, W] or [N, C, H, W]", actual: dims)
        }
        guard labels.dimensions.count == 1 else {
            throw DataError.unexpectedRank(path: labelsPath, expected: "[N]", actual: labels.dimensions)
        }
        guard dims[0] == labels.dimensions[0] else {
            throw DataError.countMismatch(imagesPath: imagesPath, images: dims[0],
                                          labelsPath: labelsPath, labels: labels.dimensions[0])
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw DataError.labelOutOfRange(path: labelsPath, index: bad, label: Int(labels.bytes[bad]),
                                            classCount: classCount)
        }
        let channels = dims.count == 4 ? dims[1] : 1
        return ImageDataset(images: images.bytes, labels: labels.bytes.map { Int32($0) },
                            channels: channels, height: dims[dims.count - 2], width: dims[dims.count - 1],
                            classCount: classCount)
    }

    /// `name.gz` if it exists, else `name` if that exists, else `name.gz` (so the missing-file error names it).
    static func locate(_ name: String, in folder: URL) -> String {
        let compressed = folder.appendingPathComponent(name + ".gz").path
        let plain = folder.appendingPathComponent(name).path
        let manager = FileManager.default
        return !manager.fileExists(atPath: compressed) && manager.fileExists(atPath: plain) ? plain : compressed
    }
}
