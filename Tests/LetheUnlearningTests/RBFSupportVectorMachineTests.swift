import Foundation
import LetheTensor
import Testing
@testable import LetheUnlearning

/// The Swift SVM against scikit-learn 1.9.1's `SVC(C=3, kernel='rbf', gamma='auto')` on the features and golden values
/// of `Tests/Reference/svm_reference.py`.
@Suite struct RBFSupportVectorMachineTests {
    private func fitReference() throws -> (RBFSupportVectorMachine, ReferenceFiles.SVMGolden) {
        let data = try ReferenceFiles.svmData()
        let labels = [Bool](repeating: true, count: data.members.count)
            + [Bool](repeating: false, count: data.nonMembers.count)
        let svm = try RBFSupportVectorMachine.fit(flatFeatures: data.members + data.nonMembers, dimension: 1,
                                                  labels: labels, c: 3)
        return (svm, try ReferenceFiles.json(ReferenceFiles.SVMGolden.self, "svm_golden.json"))
    }

    /// Decision values within 1e-3 of the decision function's range over the grid (the solver tolerance is 1e-3 on
    /// the KKT violation, so both solutions are that close to the optimum, not to each other exactly).
    @Test func decisionFunctionMatchesSklearnOnGrid() throws {
        let (svm, golden) = try fitReference()
        let decision = try svm.decisionFunction(flatFeatures: golden.grid)
        let range = golden.decision.max()! - golden.decision.min()!
        for (i, expected) in golden.decision.enumerated() {
            #expect(abs(decision[i] - expected) <= 1e-3 * range, "grid \(golden.grid[i]): \(decision[i]) vs \(expected)")
        }
        #expect(try svm.predict(flatFeatures: golden.grid) == golden.prediction)
        #expect(abs(svm.bias - golden.intercept) <= 1e-3 * range, "intercept \(svm.bias) vs \(golden.intercept)")
        #expect(svm.converged)
    }

    /// Support vectors: the data has no duplicate points, so the counts are comparable; points lying on the margin can
    /// enter or leave the support within the tolerance, hence ±2 (they agree exactly here: 412).
    @Test func supportVectorCountMatchesSklearn() throws {
        let (svm, golden) = try fitReference()
        print("support vectors: Swift \(svm.supportVectorCount), sklearn \(golden.n_support)")
        #expect(abs(svm.supportVectorCount - golden.n_support) <= 2,
                "\(svm.supportVectorCount) vs \(golden.n_support)")
    }

    @Test func forgetSetDecisionsAndEfficacyMatchSklearn() throws {
        let (svm, golden) = try fitReference()
        let data = try ReferenceFiles.svmData()
        let decision = try svm.decisionFunction(flatFeatures: data.forget)
        let range = golden.decision.max()! - golden.decision.min()!
        for (i, expected) in golden.forget_decision.enumerated() {
            #expect(abs(decision[i] - expected) <= 1e-3 * range, "forget \(i): \(decision[i]) vs \(expected)")
        }
        let efficacy = try MembershipInference().efficacy(members: data.members, nonMembers: data.nonMembers,
                                                          forget: data.forget)
        #expect(abs(efficacy - golden.mia_efficacy) < 1e-9, "\(efficacy) vs \(golden.mia_efficacy)")
    }

    /// A separable toy problem: the sign of f follows the side of the gap.
    @Test func separatesTwoClustersInTwoDimensions() throws {
        let features: [[Float]] = [[0, 0], [0.1, 0.2], [0.2, 0], [3, 3], [3.1, 2.9], [2.8, 3.2]]
        let labels = [false, false, false, true, true, true]
        let svm = try RBFSupportVectorMachine.fit(features: features, labels: labels, c: 10, gamma: 0.5)
        #expect(try features.map { try svm.predict($0) } == labels)
        #expect(try svm.predict([0.05, 0.1]) == false)
        #expect(try svm.predict([2.9, 3.0]) == true)
    }

    @Test func duplicatePointsGiveTheSameDecisionAsDistinctOnes() throws {
        // Doubling every point is the same problem as C doubled (the dual with k copies has box [0, kC]).
        let x: [Float] = [0.1, 0.35, 0.5, 0.52, 0.8, 0.9, 0.2, 0.6]
        let y = [false, false, true, false, true, true, true, false]
        let doubled = try RBFSupportVectorMachine.fit(flatFeatures: x + x, dimension: 1, labels: y + y, c: 3)
        let twiceC = try RBFSupportVectorMachine.fit(flatFeatures: x, dimension: 1, labels: y, c: 6)
        let grid = (0...20).map { Float($0) / 20 }
        let a = try doubled.decisionFunction(flatFeatures: grid), b = try twiceC.decisionFunction(flatFeatures: grid)
        for i in grid.indices { #expect(abs(a[i] - b[i]) < 1e-9, "x \(grid[i])") }
    }

    @Test func badInputIsATypedError() {
        #expect(throws: MetricsError.singleClass) {
            try RBFSupportVectorMachine.fit(flatFeatures: [0.1, 0.2], dimension: 1, labels: [true, true], c: 3)
        }
        #expect(throws: MetricsError.lengthMismatch(what: "features for labels", expected: 3, actual: 2)) {
            try RBFSupportVectorMachine.fit(flatFeatures: [0.1, 0.2], dimension: 1, labels: [true, false, true], c: 3)
        }
        #expect(throws: MetricsError.notFinite(what: "training features", index: 1)) {
            try RBFSupportVectorMachine.fit(flatFeatures: [0.1, .nan], dimension: 1, labels: [true, false], c: 3)
        }
        #expect(throws: MetricsError.invalidParameter(name: "C", value: 0)) {
            try RBFSupportVectorMachine.fit(flatFeatures: [0.1, 0.2], dimension: 1, labels: [true, false], c: 0)
        }
        #expect(throws: MetricsError.lengthMismatch(what: "feature row", expected: 2, actual: 1)) {
            try RBFSupportVectorMachine.fit(features: [[0, 1], [2]], labels: [true, false], c: 3)
        }
    }

    /// The size of SalUn's attack: 10,000 members and 10,000 non-members of overlapping 1-D confidences.
    @Test func trainsOnTwentyThousandPointsQuickly() throws {
        var rng = SeededGenerator(seed: 77)
        // Confidences skewed to 1: members u^(1/8), non-members u^(1/3) (Beta(8,1) and Beta(3,1)), float32.
        let members = (0..<10_000).map { _ in Float(pow(Double(rng.nextUniform()), 1.0 / 8)) }
        let nonMembers = (0..<10_000).map { _ in Float(pow(Double(rng.nextUniform()), 1.0 / 3)) }
        let start = Date()
        let svm = try RBFSupportVectorMachine.fit(
            flatFeatures: members + nonMembers, dimension: 1,
            labels: [Bool](repeating: true, count: 10_000) + [Bool](repeating: false, count: 10_000), c: 3)
        let fitSeconds = Date().timeIntervalSince(start)
        let predicted = try svm.predict(flatFeatures: members + nonMembers)
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "SVM on 20,000 1-D points: fit %.2f s (%d iterations, %d SVs), fit + predict %.2f s",
                     fitSeconds, svm.iterations, svm.supportVectorCount, seconds))
        #expect(svm.converged)
        // Bayes-optimal accuracy here is about 0.71; an attack far below it would mean a broken fit.
        let accuracy = Double(predicted.enumerated().filter { $0.element == ($0.offset < 10_000) }.count) / 20_000
        #expect(accuracy > 0.65, "training accuracy \(accuracy)")
    }
}
