import LetheData
import LetheNN
import LetheTensor
@testable import LetheUnlearning
import Testing

/// The canary yardstick on real data: a model trained with a planted trigger applies it, one trained without does not.
@Suite struct CanaryAuditTests {
    static let canary = Canary(target: 0)
    /// Every tenth training image of the 2,000-image pool carries the canary (200 samples, 10 %).
    static let poisonedPositions = Array(stride(from: 0, to: 2000, by: 10))

    /// Weights of a model trained like `SmallFashionMNIST.original` but on the poisoned pool.
    static let poisonedWeights: [Float] = {
        let train = try! canary.stamped(SmallFashionMNIST.train, at: poisonedPositions, relabel: true)
        let model = Architecture.cnnSmall.build(seed: 5)
        var rng = SeededGenerator(seed: 5)
        Trainer.train(model, on: train, positions: SmallFashionMNIST.pool, recipe: SmallFashionMNIST.recipe, rng: &rng)
        return model.parameters.values
    }()

    @Test func attackSuccessRateCountsTargetPredictions() {
        #expect(CanaryAudit.attackSuccessRate(predictions: [0, 3, 0, 1], target: 0) == 50)
        #expect(CanaryAudit.attackSuccessRate(predictions: [], target: 0) == 0)
    }

    @Test func aModelThatLearnedTheTriggerHasAHighASRAndOneThatDidNotALowOne() throws {
        let audit = try CanaryAudit(canary: Self.canary, test: SmallFashionMNIST.test)
        #expect(audit.triggered.labels.allSatisfy { $0 != 0 })
        let poisoned = Architecture.cnnSmall.build(seed: 0)
        poisoned.parameters.values = Self.poisonedWeights
        let learned = audit.attackSuccessRate(poisoned)
        let clean = audit.attackSuccessRate(SmallFashionMNIST.original())
        #expect(learned > 80, "a model trained with the canary: ASR \(learned) %")
        #expect(clean < 15, "a model that never saw it: ASR \(clean) %")
    }

    @Test func membershipNonMembersFollowTheForgetSetsClassesAndTreatment() throws {
        let test = SmallFashionMNIST.test
        let forgetClasses: [Int32] = [Int32](repeating: 1, count: 20) + [Int32](repeating: 4, count: 5)
        var rng = SeededGenerator(seed: 3)
        let audit = try MembershipAudit(forgetClasses: forgetClasses, test: test, canary: nil, rng: &rng)
        // Class 1 has ~100 test images here: 100 / 20 = 5 per forget sample, the same multiple for class 4.
        let multiple = MembershipAudit.multiple(wanted: [0, 20, 0, 0, 5], available: [0, test.indices(ofClass: 1).count,
                                                                                      0, 0, test.indices(ofClass: 4).count])
        #expect(audit.nonMembers.classCounts[1] == 20 * multiple)
        #expect(audit.nonMembers.classCounts[4] == 5 * multiple)
        #expect(audit.nonMembers.count == 25 * multiple)
        var again = SeededGenerator(seed: 3)
        let stamped = try MembershipAudit(forgetClasses: forgetClasses, test: test, canary: Self.canary, rng: &again)
        #expect(stamped.nonMembers.labels.allSatisfy { $0 == 0 }, "non-members carry the target label like members")
        #expect(stamped.nonMembers.ids == audit.nonMembers.ids, "the same draw, then the same treatment")
        #expect(stamped.nonMembers.images != audit.nonMembers.images)
    }

    @Test func theMultipleIsBoundedByTheScarcestClassAndByTen() {
        #expect(MembershipAudit.multiple(wanted: [10, 10], available: [100, 35]) == 3)
        #expect(MembershipAudit.multiple(wanted: [1, 0], available: [500, 0]) == 10)
        #expect(MembershipAudit.multiple(wanted: [50], available: [20]) == 1)
    }

    @Test func anOverfitOriginalIsMoreDetectableThanAModelThatNeverSawTheForgetSet() throws {
        // Forget 200 pool images: the original trained on them, a model trained on the rest did not.
        let forget = Array(stride(from: 0, to: 2000, by: 10))
        let task = try UnlearningTask(train: SmallFashionMNIST.train, forget: forget,
                                      retain: SmallFashionMNIST.pool.filter { $0 % 10 != 0 })
        var rng = SeededGenerator(seed: 4)
        let audit = try MembershipAudit(forgetClasses: forget.map { SmallFashionMNIST.train.labels[$0] },
                                        test: SmallFashionMNIST.test, canary: nil, rng: &rng)
        let original = try audit.assess(SmallFashionMNIST.original(), task: task)
        let never = Architecture.cnnSmall.build(seed: 5)
        var trainRNG = SeededGenerator(seed: 5)
        Trainer.train(never, on: task.train, positions: task.retain, recipe: SmallFashionMNIST.recipe, rng: &trainRNG)
        let retrained = try audit.assess(never, task: task)
        #expect(original.auc > retrained.auc, "original \(original.auc), never saw them \(retrained.auc)")
        #expect(abs(retrained.auc - 0.5) < 0.08, "a model that never saw the forget set: AUC \(retrained.auc)")
    }
}
