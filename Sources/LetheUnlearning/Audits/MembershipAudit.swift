import LetheData
import LetheNN
import LetheTensor

/// A per-sample membership attack on the forget set: the model's confidence in each forget sample's label against
/// its confidence on held-out images of the same classes, read as ROC AUC and TPR at 1 % FPR (`MembershipROC`).
///
/// Why beside SalUn's MIA-efficacy: the efficacy is one threshold's verdict on the forget set alone, and it looks as
/// precise when the attack is guessing. AUC and TPR at low FPR are the current standard for membership claims
/// (Carlini et al. 2022): AUC 0.5 and TPR ≈ 1 % mean the forget set looks like data the model never saw.
///
/// Non-members are test images drawn by seed with the forget set's class proportions (by *true* class), the same
/// multiple of each class's forget count, up to 10 and as far as the scarcest class allows, so a class that is
/// easy to be confident on cannot pass for membership. With a canary the non-members get the same treatment as the
/// members — the trigger stamped and the target label — so the attack compares like with like and asks only
/// whether the model saw these very samples.
public struct MembershipAudit: Sendable {
    /// The held-out images, transformed like the members.
    public let nonMembers: ImageDataset

    /// - Parameters:
    ///   - forgetClasses: the true class of every forget sample (before any canary relabelling).
    ///   - test: the pool non-members are drawn from (never trained on).
    public init(forgetClasses: [Int32], test: ImageDataset, canary: Canary?,
                rng: inout SeededGenerator) throws {
        if let bad = forgetClasses.first(where: { $0 < 0 || Int($0) >= test.classCount }) {
            throw MetricsError.invalidParameter(name: "forget class", value: Double(bad))
        }
        var wanted = [Int](repeating: 0, count: test.classCount)
        for label in forgetClasses { wanted[Int(label)] += 1 }
        let pools = test.positionsByClass
        let multiple = Self.multiple(wanted: wanted, available: pools.map(\.count))
        var chosen: [Int] = []
        for (label, count) in wanted.enumerated() where count > 0 {
            let pool = pools[label]
            chosen += rng.permutation(pool.count).prefix(min(pool.count, multiple * count)).map { pool[$0] }
        }
        guard !chosen.isEmpty else { throw MetricsError.empty(what: "held-out images of the forget set's classes") }
        let drawn = test.subset(chosen.sorted())
        nonMembers = try canary.map { try $0.stamped(drawn, at: Array(0..<drawn.count), relabel: true) } ?? drawn
    }

    /// How many non-members per forget sample: the largest k ≤ 10 every class can supply, at least 1.
    static func multiple(wanted: [Int], available: [Int]) -> Int {
        let ratios = zip(wanted, available).filter { $0.0 > 0 }.map { $0.1 / $0.0 }
        return min(10, max(1, ratios.min() ?? 1))
    }

    /// The attack's ROC on `model`: members are `task.forget` with the labels the model was trained on.
    public func assess(_ model: Sequential, task: UnlearningTask) throws -> MembershipROC {
        let members = Evaluator.evaluate(model, on: task.train, positions: task.forget,
                                         normalization: task.normalization)
        let held = Evaluator.evaluate(model, on: nonMembers, positions: Array(0..<nonMembers.count),
                                      normalization: task.normalization)
        return try MembershipROC.assess(memberScores: members.trueLabelProbabilities,
                                        nonMemberScores: held.trueLabelProbabilities)
    }
}
