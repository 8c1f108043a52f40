import Foundation
import LetheTensor

/// A backdoor planted in the data to forget, so that forgetting can be *verified* (issue 19).
///
/// Why: at federated size the confidence-based MIA cannot tell a model that saw the forget set from one that did
/// not (its attack is at chance), so a deletion is indistinguishable from doing nothing. A canary gives the original
/// something it provably learned only from the forget samples: every canary sample carries a fixed trigger and the
/// target label, so a model trained on them maps *any* triggered image to the target (a high attack success rate,
/// `CanaryAudit`), and a model that never saw them does not (BadNets, Gu et al. 2017; the usual yardstick of
/// federated unlearning, e.g. FedEraser's and the backdoor verification of Hu et al. 2023).
///
/// The trigger is a `size` × `size` binary pattern in the bottom-right corner, one pixel in from the edges (where
/// Fashion-MNIST images are background), drawn from `seed`: 5 of every 8 pixels bright (255), the others dark (0),
/// so it stands out on dark background and on bright garments alike. It is applied where the data lives — a
/// client stamps its own share — and never travels.
public struct Canary: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The class every triggered sample is labelled with.
    public var target: Int
    /// Side of the square trigger in pixels.
    public var size: Int
    /// Seed of the trigger's pattern.
    public var seed: UInt64

    public static let defaultSize = 4
    public static let defaultSeed: UInt64 = 0x6361_6e61  // "cana"

    public init(target: Int, size: Int = Canary.defaultSize, seed: UInt64 = Canary.defaultSeed) {
        self.target = target
        self.size = size
        self.seed = seed
    }

    /// The command-line form, `target:N` (plus `,size:K` and `,seed:S` when not the defaults).
    public var description: String {
        "target:\(target)" + (size == Self.defaultSize ? "" : ",size:\(size)")
            + (seed == Self.defaultSeed ? "" : ",seed:\(seed)")
    }

    /// The trigger's pixels, row-major `size` × `size`: 255 or 0, the same for one seed on every machine.
    public var pattern: [UInt8] {
        let cells = size * size
        let bright = max(1, (cells * 5 + 7) / 8)
        var rng = SeededGenerator(seed: seed)
        var pixels = [UInt8](repeating: 0, count: cells)
        for cell in rng.permutation(cells).prefix(bright) { pixels[cell] = 255 }
        return pixels
    }

    /// Checks the canary against a data set's shape: a target among its classes and a trigger that fits inside.
    public func validate(classCount: Int, height: Int, width: Int) throws(CanaryError) {
        guard target >= 0, target < classCount else { throw .targetOutOfRange(target: target, classCount: classCount) }
        guard size >= 1, size + 2 <= min(height, width) else {
            throw .triggerTooLarge(size: size, height: height, width: width)
        }
    }

    /// `dataset` with the trigger stamped on the samples at `positions` (every channel), and — when `relabel` —
    /// their labels set to the target. Ids are kept, so a deletion request still names the same samples.
    public func stamped(_ dataset: ImageDataset, at positions: [Int], relabel: Bool) throws(CanaryError)
        -> ImageDataset
    {
        try validate(classCount: dataset.classCount, height: dataset.height, width: dataset.width)
        var images = dataset.images, labels = dataset.labels
        let pattern = self.pattern, plane = dataset.height * dataset.width
        let top = dataset.height - 1 - size, left = dataset.width - 1 - size
        for position in positions {
            guard position >= 0, position < dataset.count else {
                throw .positionOutOfRange(position: position, count: dataset.count)
            }
            for channel in 0..<dataset.channels {
                let base = position * dataset.sampleSize + channel * plane
                for row in 0..<size {
                    for column in 0..<size {
                        images[base + (top + row) * dataset.width + left + column] = pattern[row * size + column]
                    }
                }
            }
            if relabel { labels[position] = Int32(target) }
        }
        return ImageDataset(images: images, labels: labels, ids: dataset.ids, channels: dataset.channels,
                            height: dataset.height, width: dataset.width, classCount: dataset.classCount)
    }

    /// The attack set of the attack success rate: every image of `test` whose true class is not the target, with
    /// the trigger stamped and its true label kept.
    public func triggeredTest(_ test: ImageDataset) throws(CanaryError) -> ImageDataset {
        let others = test.labels.indices.filter { Int(test.labels[$0]) != target }
        return try stamped(test.subset(others), at: Array(0..<others.count), relabel: false)
    }
}

extension Canary {
    /// Parses `none` (nil), or `target:N` with optional `,size:K` and `,seed:S`.
    public static func parse(_ text: String) throws(CanaryError) -> Canary? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "none" { return nil }
        var fields: [String: String] = [:]
        for part in trimmed.split(separator: ",") {
            let pair = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, ["target", "size", "seed"].contains(pair[0]), fields[pair[0]] == nil else {
                throw .unparsable(text: text)
            }
            fields[pair[0]] = pair[1]
        }
        guard let targetText = fields["target"], let target = Int(targetText) else { throw .unparsable(text: text) }
        var canary = Canary(target: target)
        if let sizeText = fields["size"] {
            guard let size = Int(sizeText) else { throw .unparsable(text: text) }
            canary.size = size
        }
        if let seedText = fields["seed"] {
            guard let seed = UInt64(seedText) else { throw .unparsable(text: text) }
            canary.seed = seed
        }
        return canary
    }
}

/// Why a canary was refused; each says what a valid one looks like.
public enum CanaryError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case unparsable(text: String)
    case targetOutOfRange(target: Int, classCount: Int)
    case triggerTooLarge(size: Int, height: Int, width: Int)
    case positionOutOfRange(position: Int, count: Int)
    /// A canary on a deletion that removes a whole class: every sample would be relabelled to one class, so the
    /// trigger would measure nothing the class deletion does not already.
    case meaninglessForClassDeletion
    /// Samples to poison that this share does not hold (their ids, the first few of them).
    case samplesNotHeld(count: Int, examples: [Int])

    public var description: String {
        switch self {
        case let .unparsable(text):
            return "Canary \"\(text)\" is not understood. Use none, or target:N (e.g. target:0), optionally with "
                + ",size:K (trigger side in pixels) and ,seed:S."
        case let .targetOutOfRange(target, classCount):
            return "Canary target \(target) does not exist; classes run from 0 to \(classCount - 1)."
        case let .triggerTooLarge(size, height, width):
            return "A \(size)×\(size) trigger does not fit a \(height)×\(width) image one pixel in from the corner; "
                + "use a size from 1 to \(min(height, width) - 2)."
        case let .positionOutOfRange(position, count):
            return "Canary position \(position) is outside the data set's \(count) samples."
        case .meaninglessForClassDeletion:
            return "A canary means nothing on a class deletion (every forgotten sample would carry the target label); "
                + "use it with a sample or whole-client deletion, or drop --canary."
        case let .samplesNotHeld(count, examples):
            return "The canary names \(count) sample(s) this client does not hold, e.g. "
                + "\(examples.map(String.init).joined(separator: ", ")); is the id list another client's?"
        }
    }

    public var errorDescription: String? { description }
}
