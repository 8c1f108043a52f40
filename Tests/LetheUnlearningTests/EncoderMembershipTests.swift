import LetheData
import LetheNN
import LetheTensor
import Testing
@testable import LetheUnlearning

/// The encoder membership test: its threshold attack on scores whose answer is known, and its score on views that
/// cannot differ.
@Suite struct EncoderMembershipTests {
    static func scores(_ count: Int, mean: Float, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in mean + 0.1 * rng.nextNormal() }
    }

    @Test func theThresholdAttackSeparatesSeparatedScoresAndGuessesOnIdenticalOnes() throws {
        let members = Self.scores(400, mean: 1, seed: 1)
        let separated = EncoderMembership.thresholdAttackAccuracy(members: members,
                                                                  nonMembers: Self.scores(400, mean: 0, seed: 2))
        #expect(separated >= 99)
        let same = EncoderMembership.thresholdAttackAccuracy(members: members,
                                                             nonMembers: Self.scores(400, mean: 1, seed: 3))
        #expect(abs(same - 50) < 8, "identical distributions: \(same)")
        let roc = try MembershipROC.assess(memberScores: members, nonMemberScores: Self.scores(400, mean: 1, seed: 3))
        #expect(abs(roc.auc - 0.5) < 0.08)
    }

    /// Without augmentation every view is the same image, so every sample scores a cosine similarity of 1 (the
    /// ROC of such scores orders float rounding only, so only its counts are checked here).
    @Test func identicalViewsScoreOneAndTellNothing() throws {
        let data = bandImages(count: 40, seed: 3)
        let encoder = Architecture.simclr.build(seed: 2)
        var test = EncoderMembership()
        test.augmentation = .none
        test.views = 3
        var rng = SeededGenerator(seed: 1)
        let scores = test.scores(encoder, on: data, positions: Array(0..<20), rng: &rng)
        #expect(scores.count == 20 && scores.allSatisfy { abs($0 - 1) < 1e-4 })
        let result = try test.assess(encoder, members: (data, Array(0..<20)), nonMembers: (data, Array(20..<40)),
                                     rng: &rng)
        #expect(result.roc.memberCount == 20 && result.roc.nonMemberCount == 20)
    }
}
