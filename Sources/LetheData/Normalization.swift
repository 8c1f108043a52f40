import Foundation

/// Per-pixel normalisation x ↦ (x/255 − mean) / std, applied when bytes become a batch tensor.
///
/// Fashion-MNIST uses mean 0.2860 and std 0.3530 (ALGORITHMS.md "Protocol", the values PyTorch users quote), so our
/// inputs match the reference run's. A byte has only 256 values, so the map is a 256-entry table.
public struct Normalization: Codable, Sendable, Equatable {
    /// Mean of x/255 over the training set.
    public var mean: Float
    /// Standard deviation of x/255 over the training set.
    public var std: Float

    /// A normalisation with the given statistics; `std` must be positive.
    public init(mean: Float, std: Float) {
        precondition(std > 0, "std must be positive, got \(std)")
        self.mean = mean
        self.std = std
    }

    /// Decodes a configuration, rejecting a non-positive `std` (which would turn every pixel into ±∞).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let std = try container.decode(Float.self, forKey: .std)
        guard std > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .std, in: container, debugDescription: "std must be > 0")
        }
        self.init(mean: try container.decode(Float.self, forKey: .mean), std: std)
    }

    /// The Fashion-MNIST statistics (mean 0.2860, std 0.3530).
    public static let fashionMNIST = Normalization(mean: 0.2860, std: 0.3530)
    /// No change beyond scaling to [0, 1] (mean 0, std 1).
    public static let unit = Normalization(mean: 0, std: 1)

    /// The normalised value of one byte, computed as the table does (so tests can compare exactly).
    public func normalize(_ byte: UInt8) -> Float {
        (Float(byte) / 255 - mean) / std
    }

    /// The value of a black pixel (byte 0): what zero padding means after normalisation.
    public var black: Float { normalize(0) }

    /// `table[b] == normalize(b)` for every byte `b`.
    public var lookupTable: [Float] { (0...255).map { normalize(UInt8($0)) } }
}
