import LetheReport
import LetheUnlearning

extension ResultRow {
    /// A report row from one model's measured metrics, so every command fills the optional columns (attack
    /// accuracy, ASR, membership AUC and TPR) the same way.
    init(method: String, metrics m: UnlearningMetrics, seconds: Double, avgGap: Double?, rte: Double?,
         configuration: String?) {
        self.init(method: method, ua: m.ua, ra: m.ra, ta: m.ta, mia: m.mia, seconds: seconds, avgGap: avgGap, rte: rte,
                  configuration: configuration, miaAttackAccuracy: m.miaAttackAccuracy, asr: m.asr,
                  membershipAUC: m.membership?.auc,
                  membershipTPRAtOnePercentFPR: m.membership.map { 100 * $0.tprAtOnePercentFPR })
    }
}
