import Foundation
import LetheTensor
import Testing
@testable import LetheUnlearning

@Suite struct MembershipROCTests {
    /// AUC and TPR at 1 % FPR against scikit-learn (`Tests/Reference/roc_reference.py`, roc_golden.json). Both are
    /// quotients of counts, so they agree to rounding: the AUC is summed in a different order by sklearn's trapezoid.
    @Test func matchesScikitLearnOnTheReferenceFixtures() throws {
        let data = try ReferenceFiles.rocData()
        let golden = try ReferenceFiles.json([String: ReferenceFiles.ROCGolden].self, "roc_golden.json")
        #expect(Set(golden.keys) == ["separated", "identical", "ties"])
        for (fixture, expected) in golden {
            let scores = try #require(data[fixture], "roc_data.csv lacks fixture \(fixture)")
            let roc = try MembershipROC.assess(memberScores: scores.members, nonMemberScores: scores.nonMembers)
            #expect(abs(roc.auc - expected.auc) <= 1e-9, "\(fixture) AUC: \(roc.auc) vs sklearn \(expected.auc)")
            #expect(abs(roc.tprAtOnePercentFPR - expected.tpr_at_1pct_fpr) <= 1e-12,
                    "\(fixture) TPR: \(roc.tprAtOnePercentFPR) vs sklearn \(expected.tpr_at_1pct_fpr)")
            #expect(roc.memberCount == scores.members.count && roc.nonMemberCount == scores.nonMembers.count)
        }
    }

    @Test func handComputedCurves() throws {
        let perfect = try MembershipROC.assess(memberScores: [0.9, 0.8], nonMemberScores: [0.1, 0.2])
        #expect(perfect == MembershipROC(auc: 1, tprAtOnePercentFPR: 1, memberCount: 2, nonMemberCount: 2))
        let reversed = try MembershipROC.assess(memberScores: [0.1, 0.2], nonMemberScores: [0.9, 0.8])
        #expect(reversed.auc == 0 && reversed.tprAtOnePercentFPR == 0)
        // One tie group: the curve jumps from (0, 0) straight to (1, 1).
        let equal = try MembershipROC.assess(memberScores: [0.5, 0.5, 0.5], nonMemberScores: [0.5, 0.5])
        #expect(equal.auc == 0.5 && equal.tprAtOnePercentFPR == 0)
    }

    /// Members {0.9, 0.5}, non-members {0.5, 0.1}: of the 4 pairs three are won and one tied, AUC = 3.5 / 4. The
    /// curve is (0, 0), (0, ½) at t = 0.9, (½, 1) at t = 0.5, (1, 1); a point exactly at the asked FPR counts.
    @Test func tiesCountOneHalfAndTheRateIsReadAtOrBelowTheAskedFPR() throws {
        let members: [Float] = [0.9, 0.5], nonMembers: [Float] = [0.5, 0.1]
        let low = try MembershipROC.assess(memberScores: members, nonMemberScores: nonMembers)
        #expect(low.auc == 0.875 && low.tprAtOnePercentFPR == 0.5)
        let half = try MembershipROC.assess(memberScores: members, nonMemberScores: nonMembers, fpr: 0.5)
        #expect(half.auc == 0.875 && half.tprAtOnePercentFPR == 1)
    }

    /// An overfit model: every member scores ≥ 0.99 while non-members spread over [0, 1), so only the ~1 % of
    /// non-members above 0.99 can be mistaken for members: AUC ≈ 0.995.
    @Test func overfitMembersAreExposed() throws {
        var rng = SeededGenerator(seed: 41)
        let members = (0..<500).map { _ in 0.99 + 0.01 * rng.nextUniform() }
        let nonMembers = (0..<500).map { _ in rng.nextUniform() }
        let roc = try MembershipROC.assess(memberScores: members, nonMemberScores: nonMembers)
        #expect(roc.auc > 0.95, "AUC \(roc.auc)")
        #expect(roc.tprAtOnePercentFPR > 0.1, "TPR at 1 % FPR \(roc.tprAtOnePercentFPR)")
    }

    /// Members and non-members from one distribution (Beta(4, 1)): the attack is at chance. The AUC's standard
    /// deviation is √((n₁ + n₀ + 1) / (12 n₁ n₀)) ≈ 0.017 here, so 0.05 is three of them.
    @Test func identicalDistributionsAreAtChance() throws {
        var rng = SeededGenerator(seed: 42)
        func confidences() -> [Float] { (0..<600).map { _ in Float(pow(Double(rng.nextUniform()), 0.25)) } }
        let members = confidences(), nonMembers = confidences()
        let roc = try MembershipROC.assess(memberScores: members, nonMemberScores: nonMembers)
        #expect(abs(roc.auc - 0.5) < 0.05, "AUC \(roc.auc)")
        #expect(roc.tprAtOnePercentFPR < 0.05, "TPR at 1 % FPR \(roc.tprAtOnePercentFPR)")
    }

    @Test func emptyOrBadInputIsATypedError() {
        #expect(throws: MetricsError.empty(what: "member scores")) {
            try MembershipROC.assess(memberScores: [], nonMemberScores: [0.1])
        }
        #expect(throws: MetricsError.empty(what: "non-member scores")) {
            try MembershipROC.assess(memberScores: [0.9], nonMemberScores: [])
        }
        #expect(throws: MetricsError.notFinite(what: "member scores", index: 1)) {
            try MembershipROC.assess(memberScores: [0.9, .infinity], nonMemberScores: [0.1])
        }
        #expect(throws: MetricsError.notFinite(what: "non-member scores", index: 2)) {
            try MembershipROC.assess(memberScores: [0.9], nonMemberScores: [0.1, 0.2, .nan])
        }
        for fpr in [0.0, 1.0, -0.5] {
            #expect(throws: MetricsError.invalidParameter(name: "fpr", value: fpr)) {
                try MembershipROC.assess(memberScores: [0.9], nonMemberScores: [0.1], fpr: fpr)
            }
        }
    }

    @Test func roundTripsThroughJSONWithSnakeCaseKeys() throws {
        let roc = MembershipROC(auc: 0.75, tprAtOnePercentFPR: 0.125, memberCount: 40, nonMemberCount: 400)
        let encoded = try JSONEncoder().encode(roc)
        let decoded = try JSONDecoder().decode(MembershipROC.self, from: encoded)
        #expect(decoded == roc)
        let fields = try JSONDecoder().decode([String: Double].self, from: encoded)
        #expect(Set(fields.keys) == ["auc", "tpr_at_1pct_fpr", "member_count", "non_member_count"])
    }
}

extension ReferenceFiles {
    /// roc_data.csv: each fixture's member and non-member scores.
    static func rocData() throws -> [String: (members: [Float], nonMembers: [Float])] {
        var fixtures: [String: (members: [Float], nonMembers: [Float])] = [:]
        for row in try csvRows("roc_data.csv") {
            let score = Float(row[2])!
            if row[1] == "member" {
                fixtures[row[0], default: ([], [])].members.append(score)
            } else {
                fixtures[row[0], default: ([], [])].nonMembers.append(score)
            }
        }
        return fixtures
    }

    struct ROCGolden: Decodable {
        let auc: Double
        let tpr_at_1pct_fpr: Double
    }
}
