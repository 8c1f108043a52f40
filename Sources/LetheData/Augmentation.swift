import Foundation
import LetheTensor

/// One random transformation of a normalised image batch [B, C, H, W]; each sample draws its own randomness.
///
/// Steps are values with a `Codable` form, so a method's configuration (and the report that prints it) names the
/// exact views it trained on instead of a string key (STYLE.md, "Not to copy").
public enum AugmentationStep: Codable, Sendable, Equatable {
    /// Pads each image by `padding` pixels of value `fill` on every side, then crops a random H×W window.
    /// `fill` should be the normalised black value (`Normalization.black`) so padding looks like the background.
    case randomCrop(padding: Int, fill: Float)
    /// Mirrors each image left–right with probability `probability`.
    case horizontalFlip(probability: Float)
    /// Adds independent N(0, std²) noise to every element (in normalised units).
    case gaussianNoise(std: Float)
    /// Crops a random window covering `minimumScale`…1 of the image's area with an aspect ratio in 3/4…4/3 and
    /// resizes it back to H×W bilinearly (SimCLR's random resized crop).
    case randomResizedCrop(minimumScale: Float)
    /// Scales each sample's deviation from its own mean by a factor in 1 ± `contrast` and shifts it by an offset in
    /// ±`brightness` (normalised units), one draw of each per sample.
    case brightnessContrast(brightness: Float, contrast: Float)

    /// Zero padding in pixel terms: the fill is the normalised value of a black pixel.
    public static func randomCrop(padding: Int, normalization: Normalization) -> AugmentationStep {
        .randomCrop(padding: padding, fill: normalization.black)
    }

    /// Applies the step in place to `batch`, drawing from `rng` sample by sample.
    public func apply(to batch: inout Tensor, rng: inout SeededGenerator) {
        precondition(batch.rank == 4, "augmentations expect [B, C, H, W], got \(batch.shape)")
        switch self {
        case let .randomCrop(padding, fill):
            precondition(padding >= 0, "padding must be non-negative, got \(padding)")
            cropRandomly(&batch, padding: padding, fill: fill, rng: &rng)
        case let .horizontalFlip(probability):
            flipHorizontally(&batch, probability: probability, rng: &rng)
        case let .gaussianNoise(std):
            addGaussianNoise(&batch, std: std, rng: &rng)
        case let .randomResizedCrop(minimumScale):
            precondition(minimumScale > 0 && minimumScale <= 1, "minimum scale must be in (0, 1], got \(minimumScale)")
            cropAndResizeRandomly(&batch, minimumScale: minimumScale, rng: &rng)
        case let .brightnessContrast(brightness, contrast):
            precondition(brightness >= 0 && contrast >= 0 && contrast < 1,
                         "brightness must be ≥ 0 and contrast in [0, 1), got \(brightness), \(contrast)")
            jitterBrightnessAndContrast(&batch, brightness: brightness, contrast: contrast, rng: &rng)
        }
    }
}

/// A pipeline of augmentation steps applied in order; the empty pipeline is the identity.
public struct Augmentation: Codable, Sendable, Equatable {
    /// The steps, first applied first.
    public var steps: [AugmentationStep]

    /// A pipeline of `steps`.
    public init(_ steps: [AugmentationStep]) {
        self.steps = steps
    }

    /// No augmentation (the training recipe of ALGORITHMS.md uses none).
    public static let none = Augmentation([])

    /// The contrastive view of ALGORITHMS.md (WSS-CL stage 2): random crop with padding 2, then a horizontal flip
    /// with probability 0.5.
    public static func contrastive(normalization: Normalization = .fashionMNIST) -> Augmentation {
        Augmentation([.randomCrop(padding: 2, normalization: normalization), .horizontalFlip(probability: 0.5)])
    }

    /// SimCLR's views for 28×28 grey images (the README's recipe): a random resized crop of at least 35 % of the
    /// area, a horizontal flip with probability 0.5, brightness and contrast jitter of 0.4 and N(0, 0.1²) noise.
    /// Colour jitter and grey-scaling, the rest of SimCLR's list, have nothing to act on in one channel.
    public static let simclr = Augmentation([
        .randomResizedCrop(minimumScale: 0.35), .horizontalFlip(probability: 0.5),
        .brightnessContrast(brightness: 0.4, contrast: 0.4), .gaussianNoise(std: 0.1),
    ])

    /// Applies every step in place.
    public func apply(to batch: inout Tensor, rng: inout SeededGenerator) {
        for step in steps { step.apply(to: &batch, rng: &rng) }
    }

    /// An augmented copy of `batch`, leaving the original as it was (a second view for contrastive losses).
    public func view(of batch: Tensor, rng: inout SeededGenerator) -> Tensor {
        var copy = batch
        apply(to: &copy, rng: &rng)
        return copy
    }
}
