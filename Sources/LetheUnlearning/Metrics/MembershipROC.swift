/// How well a per-sample score separates members from non-members: the ROC curve's area and its true-positive rate
/// at a low false-positive rate, as scikit-learn's `roc_auc_score` and `roc_curve` compute them
/// (`Tests/Reference/roc_reference.py` holds the golden values).
///
/// Why beside `MembershipInference`: SalUn's MIA-efficacy is one SVM threshold's verdict, and it looks just as precise
/// when the attack is guessing. An attack can also have an unremarkable average AUC while confidently exposing a few
/// samples, which is what a membership claim is about; the low-FPR corner of the curve is the current standard for
/// reporting membership attacks (Carlini et al. 2022, "Membership Inference Attacks From First Principles").
public struct MembershipROC: Codable, Equatable, Sendable {
    /// Area under the ROC curve, 0–1: the probability that a random member scores above a random non-member, ties
    /// counting one half (0.5 is chance, 1 a perfect attack, 0 a perfectly reversed one).
    public var auc: Double
    /// The largest true-positive rate among the curve's points whose false-positive rate is at most the rate
    /// `assess` was asked for (1 % unless told otherwise), 0–1; chance is about that rate itself.
    public var tprAtOnePercentFPR: Double
    /// How many member scores (positives) the curve was drawn from.
    public var memberCount: Int
    /// How many non-member scores (negatives) the curve was drawn from.
    public var nonMemberCount: Int

    public init(auc: Double, tprAtOnePercentFPR: Double, memberCount: Int, nonMemberCount: Int) {
        self.auc = auc
        self.tprAtOnePercentFPR = tprAtOnePercentFPR
        self.memberCount = memberCount
        self.nonMemberCount = nonMemberCount
    }

    enum CodingKeys: String, CodingKey {
        case auc
        case tprAtOnePercentFPR = "tpr_at_1pct_fpr"
        case memberCount = "member_count"
        case nonMemberCount = "non_member_count"
    }

    /// The ROC of `memberScores` (positives) against `nonMemberScores` (negatives), in O(n log n) by one sort.
    ///
    /// A higher score means "more likely a member": pass each sample's true-label probability. The curve's points
    /// are the thresholds t at every distinct score, calling a sample a member when its score is ≥ t, plus (0, 0).
    /// The TPR is read at the best such point with FPR ≤ `fpr` — no interpolation between points, so it is a rate
    /// some threshold really achieves (Carlini et al. read the last `roc_curve` point below the target; ≤ here lets
    /// a point exactly at 1 % count). Rates are count quotients in Double, as `roc_curve` forms them, so the
    /// comparison with `fpr` falls the same way as scikit-learn's.
    /// - Throws: `.empty` for an empty set, `.notFinite` for a NaN or infinite score, `.invalidParameter` for an
    ///   `fpr` outside (0, 1).
    public static func assess(memberScores: [Float], nonMemberScores: [Float],
                              fpr: Double = 0.01) throws(MetricsError) -> MembershipROC {
        try validate(memberScores: memberScores, nonMemberScores: nonMemberScores, fpr: fpr)
        let groups = tieGroups(members: memberScores, nonMembers: nonMemberScores)
        let m = memberScores.count, n = nonMemberScores.count
        let tpr = truePositiveRate(groups, atFPR: fpr, memberCount: m, nonMemberCount: n)
        return MembershipROC(auc: area(groups, memberCount: m, nonMemberCount: n), tprAtOnePercentFPR: tpr,
                             memberCount: m, nonMemberCount: n)
    }

    private static func validate(memberScores: [Float], nonMemberScores: [Float],
                                 fpr: Double) throws(MetricsError) {
        guard !memberScores.isEmpty else { throw .empty(what: "member scores") }
        guard !nonMemberScores.isEmpty else { throw .empty(what: "non-member scores") }
        if let bad = memberScores.firstIndex(where: { !$0.isFinite }) {
            throw .notFinite(what: "member scores", index: bad)
        }
        if let bad = nonMemberScores.firstIndex(where: { !$0.isFinite }) {
            throw .notFinite(what: "non-member scores", index: bad)
        }
        guard fpr > 0, fpr < 1 else { throw .invalidParameter(name: "fpr", value: fpr) }
    }

    /// The samples sharing one score: one step of the ROC curve (diagonal when both counts are positive).
    private struct TieGroup {
        var members = 0
        var nonMembers = 0
    }

    /// The samples grouped by equal score, highest score first: walking the groups lowers the threshold one
    /// distinct score at a time, as `roc_curve`'s thresholds do.
    private static func tieGroups(members: [Float], nonMembers: [Float]) -> [TieGroup] {
        var labelled = members.map { (score: $0, isMember: true) }
        labelled += nonMembers.map { (score: $0, isMember: false) }
        labelled.sort { $0.score > $1.score }
        var groups: [TieGroup] = []
        var previous: Float? = nil
        for sample in labelled {
            if sample.score != previous { groups.append(TieGroup()) }
            previous = sample.score
            if sample.isMember {
                groups[groups.count - 1].members += 1
            } else {
                groups[groups.count - 1].nonMembers += 1
            }
        }
        return groups
    }

    /// AUC = U / (n₁ n₀), the Mann–Whitney statistic, which equals the trapezoidal area `roc_auc_score` takes.
    ///
    /// Counted exactly in integers, so the only rounding is the final division: every non-member is outscored by
    /// the members of higher groups and ties with those of its own: 2U = Σ_g n₀(g) · (2 · (members above g) + n₁(g)),
    /// exact in Double while n₁ n₀ < 2⁵².
    private static func area(_ groups: [TieGroup], memberCount: Int, nonMemberCount: Int) -> Double {
        var twiceU = 0, membersAbove = 0
        for group in groups {
            twiceU += group.nonMembers * (2 * membersAbove + group.members)
            membersAbove += group.members
        }
        return Double(twiceU) / (2 * Double(memberCount) * Double(nonMemberCount))
    }

    /// The TPR of the last curve point with FPR ≤ `fpr`: both rates only grow as the threshold falls, so the last
    /// point inside is the one with the largest TPR. The point (0, 0) always qualifies. Every point counts, as in
    /// `roc_curve(drop_intermediate=False)`: the default drops collinear points, which between runs of tied scores
    /// can remove the last one below `fpr`.
    private static func truePositiveRate(_ groups: [TieGroup], atFPR fpr: Double,
                                         memberCount: Int, nonMemberCount: Int) -> Double {
        var best = 0.0, truePositives = 0, falsePositives = 0
        for group in groups {
            truePositives += group.members
            falsePositives += group.nonMembers
            guard Double(falsePositives) / Double(nonMemberCount) <= fpr else { break }
            best = Double(truePositives) / Double(memberCount)
        }
        return best
    }
}
