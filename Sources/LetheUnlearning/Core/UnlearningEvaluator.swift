import LetheData
import LetheNN
import LetheTensor

/// The test data an unlearned model is judged on.
public struct EvaluationData: Sendable {
    public let test: ImageDataset
    /// Test positions counted in TA (class-wise forgetting: the other classes' test images).
    public let accuracyPositions: [Int]
    /// Test positions used as MIA non-members (the whole test set).
    public let nonMemberPositions: [Int]
    /// The forget set's canary and its triggered test images: every model is also scored on ASR.
    public var canary: CanaryAudit?
    /// The per-sample membership attack (AUC, TPR at 1 % FPR) against class-matched held-out images.
    public var membership: MembershipAudit?

    public init(test: ImageDataset, accuracyPositions: [Int]? = nil, nonMemberPositions: [Int]? = nil,
                canary: CanaryAudit? = nil, membership: MembershipAudit? = nil) {
        self.test = test
        self.accuracyPositions = accuracyPositions ?? Array(0..<test.count)
        self.nonMemberPositions = nonMemberPositions ?? Array(0..<test.count)
        self.canary = canary
        self.membership = membership
    }

    /// Class-wise forgetting: TA excludes the forgotten class, MIA still uses every test image.
    public static func excludingClass(_ forgotten: Int, from test: ImageDataset) -> EvaluationData {
        EvaluationData(test: test, accuracyPositions: (0..<test.count).filter { Int(test.labels[$0]) != forgotten })
    }

    /// The protocol's evaluation data for forgetting `spec`: `excludingClass` for a whole class, else every test
    /// image.
    public init(test: ImageDataset, forgetting spec: ForgetSpec) {
        if case .wholeClass(let label) = spec {
            self = .excludingClass(label, from: test)
        } else {
            self.init(test: test)
        }
    }

    /// Adds the audits every report carries: ASR when the forget set holds `canary`, and the membership attack on
    /// the forget samples (`forgetClasses`: their true classes) against held-out test images drawn from `rng`.
    public mutating func addAudits(forgetClasses: [Int32], canary: Canary?, rng: inout SeededGenerator) throws {
        self.canary = try canary.map { try CanaryAudit(canary: $0, test: test) }
        membership = try MembershipAudit(forgetClasses: forgetClasses, test: test, canary: canary, rng: &rng)
    }
}

/// UA, RA, TA and MIA-efficacy exactly as SalUn's code computes them (ALGORITHMS.md "Metrics").
public enum UnlearningEvaluator {
    public static func evaluate(_ model: Sequential, task: UnlearningTask, data: EvaluationData) throws
        -> UnlearningMetrics
    {
        let forget = Evaluator.evaluate(model, on: task.train, positions: task.forget, normalization: task.normalization)
        let retain = Evaluator.evaluate(model, on: task.train, positions: task.retain.sorted(),
                                        normalization: task.normalization)
        let test = Evaluator.evaluate(model, on: data.test, positions: Array(0..<data.test.count),
                                      normalization: task.normalization)
        let accuracySet = Set(data.accuracyPositions)
        let taCorrect = (0..<data.test.count).filter {
            accuracySet.contains($0) && test.predictions[$0] == Int(test.labels[$0])
        }.count
        // Members: the first |non-members| retained samples in dataset order; non-members: the test images.
        let nonMembers = data.nonMemberPositions.map { test.trueLabelProbabilities[$0] }
        let members = Array(retain.trueLabelProbabilities.prefix(nonMembers.count))
        let mia = try MembershipInference(c: 3, gamma: nil).assess(
            members: members, nonMembers: nonMembers, forget: forget.trueLabelProbabilities)
        return UnlearningMetrics(ua: 100 - forget.accuracy, ra: retain.accuracy,
                                 ta: try UnlearningMetrics.accuracyPercent(correct: taCorrect, total: accuracySet.count),
                                 mia: mia.efficacy, miaAttackAccuracy: mia.attackAccuracy,
                                 asr: data.canary?.attackSuccessRate(model, normalization: task.normalization),
                                 membership: try data.membership?.assess(model, task: task))
    }
}
