import Foundation
import LetheTensor
import Testing
@testable import LetheUnlearning

@Suite struct MembershipInferenceTests {
    /// Confidences u^(1/skew), i.e. Beta(skew, 1): members skew 8, non-members 1 (uniform). The Bayes boundary is
    /// x = 8^(−1/7) ≈ 0.74: 74 % of non-members and 9 % of members fall below it.
    private func confidences(_ count: Int, skew: Double, rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(pow(Double(rng.nextUniform()), 1 / skew)) }
    }

    @Test func efficacyIsHighWhenForgetLooksLikeNonMembersAndLowWhenItLooksLikeMembers() throws {
        var rng = SeededGenerator(seed: 31)
        let members = confidences(1500, skew: 8, rng: &rng), nonMembers = confidences(1500, skew: 1, rng: &rng)
        let attack = MembershipInference()
        let forgotten = try attack.efficacy(members: members, nonMembers: nonMembers,
                                            forget: confidences(500, skew: 1, rng: &rng))
        let remembered = try attack.efficacy(members: members, nonMembers: nonMembers,
                                             forget: confidences(500, skew: 8, rng: &rng))
        #expect(forgotten > 60, "forget set drawn like non-members: \(forgotten) %")
        #expect(remembered < 20, "forget set drawn like members: \(remembered) %")
    }

    @Test func attackAccuracyIsNearTheBayesRateAndChanceWhenMembersLookLikeNonMembers() throws {
        var rng = SeededGenerator(seed: 32)
        let attack = MembershipInference()
        let members = confidences(2000, skew: 8, rng: &rng), nonMembers = confidences(2000, skew: 1, rng: &rng)
        let forget = confidences(500, skew: 1, rng: &rng)
        let separable = try attack.assess(members: members, nonMembers: nonMembers, forget: forget)
        // Bayes boundary 0.74: recalls 1 − 0.09 (members) and 0.74 (non-members), balanced accuracy ≈ 82.5 %.
        #expect(abs(separable.attackAccuracy - 82.5) < 3, "\(separable.attackAccuracy) %")
        #expect(separable.efficacy == (try attack.efficacy(members: members, nonMembers: nonMembers, forget: forget)))
        let alike = try attack.assess(members: confidences(2000, skew: 4, rng: &rng),
                                      nonMembers: confidences(2000, skew: 4, rng: &rng), forget: forget)
        #expect(abs(alike.attackAccuracy - 50) < 3, "same distribution: \(alike.attackAccuracy) %")
    }

    @Test func efficacyIsAPercentageOfTheForgetSet() throws {
        // Perfectly separated: members at 0.9–1, non-members at 0–0.1; forget has 3 of 4 points near 0.
        let members: [Float] = [0.9, 0.95, 0.97, 1.0], nonMembers: [Float] = [0.0, 0.02, 0.05, 0.1]
        let efficacy = try MembershipInference().efficacy(members: members, nonMembers: nonMembers,
                                                          forget: [0.01, 0.03, 0.99, 0.04])
        #expect(efficacy == 75)
    }

    @Test func emptyOrBadInputIsATypedError() {
        let attack = MembershipInference()
        #expect(throws: MetricsError.empty(what: "forget-set probabilities")) {
            try attack.efficacy(members: [0.9], nonMembers: [0.1], forget: [])
        }
        #expect(throws: MetricsError.empty(what: "non-member probabilities")) {
            try attack.efficacy(members: [0.9], nonMembers: [], forget: [0.5])
        }
        #expect(throws: MetricsError.notFinite(what: "query features", index: 0)) {
            try attack.efficacy(members: [0.9], nonMembers: [0.1], forget: [.nan])
        }
    }

    @Test func trueLabelProbabilityIsTheSoftmaxEntryOfTheLabel() throws {
        let logits: [Float] = [1, 2, 3, 1000, 0, -1000]
        let p = try MembershipInference.trueLabelProbabilities(logits: logits, classCount: 3, labels: [2, 1])
        let expected = exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0))
        #expect(abs(Double(p[0]) - expected) < 1e-6)
        #expect(p[1] == 0)  // exp(−1000) underflows; no NaN from the overflowing logit
        #expect(throws: MetricsError.invalidParameter(name: "label", value: 3)) {
            try MembershipInference.trueLabelProbabilities(logits: logits, classCount: 3, labels: [3, 0])
        }
        #expect(throws: MetricsError.lengthMismatch(what: "logits for labels", expected: 9, actual: 6)) {
            try MembershipInference.trueLabelProbabilities(logits: logits, classCount: 3, labels: [0, 0, 0])
        }
    }
}

@Suite struct UnlearningMetricsTests {
    @Test func averageGapIsTheMeanAbsoluteDifference() {
        let retrain = UnlearningMetrics(ua: 5.24, ra: 100, ta: 94.26, mia: 12.88)
        let method = UnlearningMetrics(ua: 7.24, ra: 99, ta: 95.26, mia: 8.88)
        // (|2| + |−1| + |1| + |−4|) / 4 = 2
        #expect(abs(method.averageGap(to: retrain) - 2) < 1e-12)
        #expect(retrain.averageGap(to: retrain) == 0)
        #expect(abs(retrain.averageGap(to: method) - method.averageGap(to: retrain)) < 1e-12)
    }

    @Test func accuracyPercentAndItsErrors() throws {
        #expect(try UnlearningMetrics.accuracyPercent(correct: 27, total: 54) == 50)
        #expect(try UnlearningMetrics.unlearningAccuracyPercent(forgetCorrect: 9, forgetTotal: 10) == 10)
        #expect(throws: MetricsError.invalidCount(correct: 1, total: 0)) {
            try UnlearningMetrics.accuracyPercent(correct: 1, total: 0)
        }
        #expect(throws: MetricsError.invalidCount(correct: 11, total: 10)) {
            try UnlearningMetrics.accuracyPercent(correct: 11, total: 10)
        }
    }

    @Test func roundTripsThroughJSON() throws {
        let metrics = UnlearningMetrics(ua: 1.5, ra: 99.25, ta: 91, mia: 9.375)
        let decoded = try JSONDecoder().decode(UnlearningMetrics.self, from: JSONEncoder().encode(metrics))
        #expect(decoded == metrics)
    }
}

@Suite struct FastExpTests {
    /// The kernel's exp against libm over the whole range the RBF kernel uses, including underflow.
    @Test func agreesWithLibmToTenUlpsOrBetter() {
        for i in 0...100_000 {
            let x = -745 * Double(i) / 100_000
            let expected = exp(x), actual = expNonPositive(x)
            if x >= -700 {
                #expect(abs(actual - expected) <= 1e-14 * expected, "x \(x): \(actual) vs \(expected)")
            } else {
                #expect(actual >= 0 && actual < 1e-300, "x \(x): \(actual)")
            }
        }
        #expect(expNonPositive(0) == 1)
    }
}
