import Foundation

/// SalUn's MIA-efficacy (OPTML-Group/Unlearn-Saliency, `evaluation/SVC_MIA.py`, the "confidence" attack).
///
/// The feature of a sample is the softmax probability its model gives to the sample's *true* label. An RBF SVM —
/// `SVC(C=3, gamma='auto', kernel='rbf')`, so γ = 1 / 1 = 1 on the 1-D feature — is trained to tell members
/// (label 1: the first |D_t| retained samples in dataset order) from non-members (label 0: the test set). The
/// efficacy is the percentage of forget samples it classifies as non-members:
///
///     MIA-efficacy = 100 · |{x ∈ D_f : f(x) ≤ 0}| / |D_f|
///
/// (the script's `1 − clf.predict(X_forget).mean()`, in percent).
public struct MembershipInference: Sendable {
    /// The SVM's box constraint (SalUn: 3).
    public var c: Double = 3
    /// The SVM's kernel width; nil is `'auto'`, 1 / dimension = 1 for the 1-D confidence feature.
    public var gamma: Double? = nil

    public init(c: Double = 3, gamma: Double? = nil) {
        self.c = c
        self.gamma = gamma
    }

    /// MIA-efficacy in percent (0–100) from true-label probabilities of members, non-members and the forget set.
    /// - Throws: `MetricsError.empty` if any set is empty, `.notFinite` for NaN/infinite probabilities.
    public func efficacy(members: [Float], nonMembers: [Float], forget: [Float]) throws(MetricsError) -> Double {
        let attack = try fit(members: members, nonMembers: nonMembers, forget: forget)
        return try Self.nonMemberPercent(attack, forget)
    }

    /// The efficacy together with how well the attack tells its own members from its non-members.
    ///
    /// Why: MIA-efficacy reads only the forget set, so it looks just as precise when the attack is guessing. When a
    /// model's confidence on seen and unseen data is alike (a well-generalising model; at full federated size the
    /// attack scored ~51 %), the SVM's boundary lands wherever noise puts it, and the efficacy moves with it.
    /// The accuracy says how much the MIA column can mean: 50 % is chance.
    public func assess(members: [Float], nonMembers: [Float],
                       forget: [Float]) throws(MetricsError) -> Assessment {
        let attack = try fit(members: members, nonMembers: nonMembers, forget: forget)
        let memberRecall = try 100 - Self.nonMemberPercent(attack, members)
        let nonMemberRecall = try Self.nonMemberPercent(attack, nonMembers)
        return Assessment(efficacy: try Self.nonMemberPercent(attack, forget),
                          attackAccuracy: (memberRecall + nonMemberRecall) / 2)
    }

    /// What `assess` measures, in percent.
    public struct Assessment: Equatable, Sendable {
        /// MIA-efficacy: the share of the forget set the attack calls non-member.
        public var efficacy: Double
        /// Balanced accuracy of the attack on the members and non-members it was fitted on (the mean of the two
        /// recalls), so a test set larger than the member sample cannot inflate it.
        public var attackAccuracy: Double
    }

    private func fit(members: [Float], nonMembers: [Float],
                     forget: [Float]) throws(MetricsError) -> RBFSupportVectorMachine {
        guard !members.isEmpty else { throw .empty(what: "member probabilities") }
        guard !nonMembers.isEmpty else { throw .empty(what: "non-member probabilities") }
        guard !forget.isEmpty else { throw .empty(what: "forget-set probabilities") }
        return try RBFSupportVectorMachine.fit(
            flatFeatures: members + nonMembers, dimension: 1,
            labels: [Bool](repeating: true, count: members.count) + [Bool](repeating: false, count: nonMembers.count),
            c: c, gamma: gamma)
    }

    private static func nonMemberPercent(_ attack: RBFSupportVectorMachine,
                                         _ probabilities: [Float]) throws(MetricsError) -> Double {
        let predictedNonMember = try attack.predict(flatFeatures: probabilities).filter { !$0 }.count
        return 100 * Double(predictedNonMember) / Double(probabilities.count)
    }

    /// The softmax probability of each row's true label, p_i = exp(z_{i,y_i}) / Σ_k exp(z_{i,k}), from logits
    /// [N, K] stored row-major (computed stably in Double by subtracting the row maximum).
    /// - Throws: `.lengthMismatch` if `logits.count ≠ labels.count · classCount`, `.notFinite` for a bad logit,
    ///   `.invalidParameter` for a label outside `0..<classCount`.
    public static func trueLabelProbabilities(logits: [Float], classCount: Int,
                                              labels: [Int32]) throws(MetricsError) -> [Float] {
        guard classCount > 0 else { throw .invalidParameter(name: "classCount", value: Double(classCount)) }
        guard logits.count == labels.count * classCount else {
            throw .lengthMismatch(what: "logits for labels", expected: labels.count * classCount, actual: logits.count)
        }
        if let bad = logits.firstIndex(where: { !$0.isFinite }) { throw .notFinite(what: "logits", index: bad) }
        if let bad = labels.first(where: { $0 < 0 || Int($0) >= classCount }) {
            throw .invalidParameter(name: "label", value: Double(bad))
        }
        return labels.enumerated().map { i, label in
            let row = logits[(i * classCount)..<((i + 1) * classCount)].map(Double.init)
            let top = row.max()!
            let total = row.reduce(0) { $0 + exp($1 - top) }
            return Float(exp(row[Int(label)] - top) / total)
        }
    }
}
