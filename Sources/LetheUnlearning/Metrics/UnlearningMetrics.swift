/// The four accuracy-style scores of an unlearned model, in percent (0–100), as SalUn's code computes them.
///
/// UA = 100 − Acc(D_f), RA = Acc(D_r), TA = Acc(D_t), MIA = MIA-efficacy on D_f (`MembershipInference`).
public struct UnlearningMetrics: Codable, Equatable, Sendable {
    /// Unlearning accuracy, 100 − accuracy on the forget set.
    public var ua: Double
    /// Remaining accuracy, accuracy on the retained training set.
    public var ra: Double
    /// Test accuracy.
    public var ta: Double
    /// MIA-efficacy: percentage of the forget set the attack calls non-member.
    public var mia: Double
    /// Balanced accuracy of the MIA attack on its own members and non-members (50 % is chance): how much `mia` can
    /// mean (`MembershipInference.assess`). Not part of Avg. Gap; nil where it was not measured.
    public var miaAttackAccuracy: Double?
    /// Attack success rate of the forget set's canary, in percent (`CanaryAudit`); nil without a canary.
    public var asr: Double?
    /// The per-sample membership attack on the forget set (`MembershipAudit`); nil where it was not measured.
    public var membership: MembershipROC?

    public init(ua: Double, ra: Double, ta: Double, mia: Double, miaAttackAccuracy: Double? = nil,
                asr: Double? = nil, membership: MembershipROC? = nil) {
        self.ua = ua
        self.ra = ra
        self.ta = ta
        self.mia = mia
        self.miaAttackAccuracy = miaAttackAccuracy
        self.asr = asr
        self.membership = membership
    }

    enum CodingKeys: String, CodingKey {
        case ua, ra, ta, mia, asr, membership
        case miaAttackAccuracy = "mia_attack_accuracy"
    }

    /// Avg. Gap to Retrain: ¼ (|UA − UA_r| + |RA − RA_r| + |TA − TA_r| + |MIA − MIA_r|). Lower is better.
    public func averageGap(to retrain: UnlearningMetrics) -> Double {
        (abs(ua - retrain.ua) + abs(ra - retrain.ra) + abs(ta - retrain.ta) + abs(mia - retrain.mia)) / 4
    }

    /// 100 · correct / total.
    /// - Throws: `MetricsError.invalidCount` unless total > 0 and 0 ≤ correct ≤ total.
    public static func accuracyPercent(correct: Int, total: Int) throws(MetricsError) -> Double {
        guard total > 0, correct >= 0, correct <= total else { throw .invalidCount(correct: correct, total: total) }
        return 100 * Double(correct) / Double(total)
    }

    /// UA from the forget set's accuracy counts: 100 − 100 · correct / total.
    public static func unlearningAccuracyPercent(forgetCorrect: Int, forgetTotal: Int) throws(MetricsError) -> Double {
        try 100 - accuracyPercent(correct: forgetCorrect, total: forgetTotal)
    }
}
