import LetheData
import LetheNN
import LetheTensor

/// A membership test fitted to encoders, in the spirit of EncoderMI (Liu et al. 2021, "EncoderMI: Membership
/// Inference against Pre-trained Encoders in Contrastive Learning"): contrastive training pulls the augmented views
/// of its own images together, so the views of a member sit closer in feature space than those of an image the
/// encoder never saw. A sample's score is the mean pairwise cosine similarity of `views` augmented views' features;
/// the test reports the score's ROC against non-members and a threshold attack's own accuracy.
public struct EncoderMembership: Sendable {
    /// Views per sample (EncoderMI uses several; the score averages their pairs).
    public var views = 6
    /// How the views are drawn (the pretraining's own views by default: the attacker knows the recipe).
    public var augmentation = Augmentation.simclr
    public var normalization = Normalization.fashionMNIST

    public init() {}

    /// What the test found.
    public struct Result: Codable, Equatable, Sendable {
        /// The score's ROC, members positive.
        public var roc: MembershipROC
        /// Balanced accuracy, 0–100, of the best threshold on one half of each set, measured on the other half
        /// (50 is chance).
        public var attackAccuracy: Double

        enum CodingKeys: String, CodingKey {
            case roc
            case attackAccuracy = "attack_accuracy"
        }
    }

    /// The score of each of `dataset[positions]` (higher: more member-like); `rng` draws the views.
    public func scores(_ encoder: Sequential, on dataset: ImageDataset, positions: [Int],
                       rng: inout SeededGenerator) -> [Float] {
        precondition(views >= 2, "a similarity needs at least two views")
        var scores: [Float] = []
        for batch in EpochOrder(ordered: positions, batchSize: 250) {
            let images = dataset.batch(batch, normalization: normalization).images
            let features = (0..<views).map { _ in
                NearestNeighbourProbe.unitRows(
                    encoder.forward(augmentation.view(of: images, rng: &rng), mode: .evaluation).features)
            }
            let d = features[0].shape[1]
            for row in 0..<batch.count {
                var total: Float = 0
                for a in 0..<views {
                    for b in (a + 1)..<views {
                        for k in 0..<d { total += features[a].storage[row * d + k] * features[b].storage[row * d + k] }
                    }
                }
                scores.append(total / Float(views * (views - 1) / 2))
            }
        }
        return scores
    }

    /// Members against non-members. - Throws: what `MembershipROC.assess` throws (an empty set, a non-finite score).
    public func assess(_ encoder: Sequential, members: (ImageDataset, [Int]), nonMembers: (ImageDataset, [Int]),
                       rng: inout SeededGenerator) throws -> Result {
        let memberScores = scores(encoder, on: members.0, positions: members.1, rng: &rng)
        let nonMemberScores = scores(encoder, on: nonMembers.0, positions: nonMembers.1, rng: &rng)
        return Result(roc: try MembershipROC.assess(memberScores: memberScores, nonMemberScores: nonMemberScores),
                      attackAccuracy: Self.thresholdAttackAccuracy(members: memberScores, nonMembers: nonMemberScores))
    }

    /// Fits "member if score ≥ t" on the even-indexed scores of both sets (the t of best balanced accuracy) and
    /// returns its balanced accuracy on the odd-indexed ones, in percent.
    static func thresholdAttackAccuracy(members: [Float], nonMembers: [Float]) -> Double {
        func half(_ x: [Float], _ parity: Int) -> [Float] { x.indices.filter { $0 % 2 == parity }.map { x[$0] } }
        let (fitM, fitN) = (half(members, 0), half(nonMembers, 0))
        let (testM, testN) = (half(members, 1), half(nonMembers, 1))
        guard !fitM.isEmpty, !fitN.isEmpty, !testM.isEmpty, !testN.isEmpty else { return 50 }
        func balanced(_ t: Float, _ m: [Float], _ n: [Float]) -> Double {
            let tpr = Double(m.filter { $0 >= t }.count) / Double(m.count)
            let tnr = Double(n.filter { $0 < t }.count) / Double(n.count)
            return 50 * (tpr + tnr)
        }
        let threshold = (fitM + fitN).max { balanced($0, fitM, fitN) < balanced($1, fitM, fitN) }!
        return balanced(threshold, testM, testN)
    }
}
