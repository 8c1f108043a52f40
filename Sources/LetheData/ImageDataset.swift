import Foundation

/// A labelled image data set held as raw bytes, with a stable id for every sample.
///
/// Pixels stay `UInt8` (N × C × H × W, row-major): the 60,000 training images take 47 MB instead of 188 MB as floats,
/// and `batch(_:normalization:)` converts only what a step needs. `ids` are the positions in the original file, and
/// they survive `subset`, so a forget set or a deletion request can name the same sample on every node.
public struct ImageDataset: Sendable, Equatable {
    /// Pixels, sample-major: sample `i` occupies `images[i * sampleSize ..< (i + 1) * sampleSize]`.
    public let images: [UInt8]
    /// Class of each sample, in `0..<classCount`.
    public let labels: [Int32]
    /// Stable sample ids (index in the original file), one per sample.
    public let ids: [Int]
    /// Colour channels per image (1 for Fashion-MNIST).
    public let channels: Int
    /// Image height in pixels.
    public let height: Int
    /// Image width in pixels.
    public let width: Int
    /// Number of classes the labels range over (10 for Fashion-MNIST), even if some are absent from a subset.
    public let classCount: Int

    /// A data set over the given arrays; `ids` defaults to `0..<count`. Sizes must agree (a programmer error if not).
    public init(images: [UInt8], labels: [Int32], ids: [Int]? = nil,
                channels: Int, height: Int, width: Int, classCount: Int) {
        precondition(channels > 0 && height > 0 && width > 0 && classCount > 0, "extents must be positive")
        precondition(images.count == labels.count * channels * height * width,
                     "\(images.count) pixels do not make \(labels.count) images of \(channels)×\(height)×\(width)")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classCount }, "a label is outside 0..<\(classCount)")
        precondition(ids == nil || ids!.count == labels.count, "need one id per sample")
        self.images = images
        self.labels = labels
        self.ids = ids ?? Array(0..<labels.count)
        self.channels = channels
        self.height = height
        self.width = width
        self.classCount = classCount
    }

    /// Number of samples.
    public var count: Int { labels.count }

    /// Bytes per sample: C × H × W.
    public var sampleSize: Int { channels * height * width }

    /// The samples at `positions` (in that order), keeping their ids and labels.
    public func subset(_ positions: [Int]) -> ImageDataset {
        let size = sampleSize
        var pixels = [UInt8]()
        pixels.reserveCapacity(positions.count * size)
        images.withUnsafeBufferPointer { source in
            for position in positions {
                precondition(position >= 0 && position < count, "position \(position) outside 0..<\(count)")
                pixels.append(contentsOf: source[(position * size)..<((position + 1) * size)])
            }
        }
        return ImageDataset(images: pixels, labels: positions.map { labels[$0] }, ids: positions.map { ids[$0] },
                            channels: channels, height: height, width: width, classCount: classCount)
    }

    /// Positions of every sample of class `label`, ascending.
    public func indices(ofClass label: Int) -> [Int] {
        labels.indices.filter { Int(labels[$0]) == label }
    }

    /// Number of samples of each class, indexed by class.
    public var classCounts: [Int] { classCounts(at: labels.indices) }

    /// Number of samples of each class among `positions` (for example one client's partition).
    public func classCounts(at positions: some Sequence<Int>) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for position in positions { counts[Int(labels[position])] += 1 }
        return counts
    }

    /// Positions grouped by class: `positionsByClass[c]` lists the positions of class `c`, ascending.
    public var positionsByClass: [[Int]] {
        var groups = [[Int]](repeating: [], count: classCount)
        for (position, label) in labels.enumerated() { groups[Int(label)].append(position) }
        return groups
    }
}
