import Foundation
import Testing
@testable import LetheData
import LetheTensor

@Suite struct ForgetSpecTests {
    let dataset = labelOnlyDataset(labels: interleavedLabels(perClass: [Int](repeating: 100, count: 10)))

    @Test func parsesEachKind() throws {
        #expect(try ForgetSpec(parsing: "random:0.1") == .random(fraction: 0.1))
        #expect(try ForgetSpec(parsing: "class:3") == .wholeClass(3))
        #expect(try ForgetSpec(parsing: " Random : 0.25 ") == .random(fraction: 0.25))
        #expect(ForgetSpec.random(fraction: 0.1).description == "random:0.1")
    }

    @Test func jsonFormMatchesTheResultsSchema() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(ForgetSpec.random(fraction: 0.1)), as: UTF8.self)
        #expect(json == #"{"fraction":0.1,"kind":"random"}"#)
        for spec in [ForgetSpec.random(fraction: 0.1), .wholeClass(3), .ids([4, 2], source: "f.txt")] {
            #expect(try JSONDecoder().decode(ForgetSpec.self, from: encoder.encode(spec)) == spec)
        }
        #expect(throws: ForgetSpecError.fractionOutOfRange(2)) {
            try JSONDecoder().decode(ForgetSpec.self, from: Data(#"{"kind":"random","fraction":2}"#.utf8))
        }
    }

    @Test func parseErrorsNameTheProblem() {
        #expect(throws: ForgetSpecError.unknownKind(spec: "sample:3")) { try ForgetSpec(parsing: "sample:3") }
        #expect(throws: ForgetSpecError.unknownKind(spec: "random0.1")) { try ForgetSpec(parsing: "random0.1") }
        #expect(throws: ForgetSpecError.invalidFraction(text: "ten")) { try ForgetSpec(parsing: "random:ten") }
        #expect(throws: ForgetSpecError.invalidFraction(text: "nan")) { try ForgetSpec(parsing: "random:nan") }
        for bad in [0.0, 1.0, 1.5, -0.1] {
            #expect(throws: ForgetSpecError.fractionOutOfRange(bad)) { try ForgetSpec(parsing: "random:\(bad)") }
        }
        #expect(throws: ForgetSpecError.invalidClass(text: "3.5")) { try ForgetSpec(parsing: "class:3.5") }
        #expect(throws: ForgetSpecError.classOutOfRange(label: 10, classCount: 10)) {
            try ForgetSpec(parsing: "class:10")
        }
        #expect(throws: ForgetSpecError.classOutOfRange(label: -1, classCount: 10)) {
            try ForgetSpec(parsing: "class:-1")
        }
        #expect(ForgetSpecError.unknownKind(spec: "x").description.contains("random:0.1"))
    }

    @Test func idFilesAllowCommentsAndBlankLinesAndRejectJunkAndDuplicates() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("forget.txt")
        try "# samples to forget\n12\n\n  7  # a shirt\n999\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ForgetSpec(parsing: "ids:\(path)") == .ids([12, 7, 999], source: path))
        #expect(throws: ForgetSpecError.invalidIDLine(path: "f", line: 2, text: "x12")) {
            try ForgetSpec.parseIDList("1\nx12\n", source: "f")
        }
        #expect(throws: ForgetSpecError.invalidIDLine(path: "f", line: 1, text: "-4")) {
            try ForgetSpec.parseIDList("-4", source: "f")
        }
        #expect(throws: ForgetSpecError.duplicateID(path: "f", id: 5, line: 3)) {
            try ForgetSpec.parseIDList("5\n6\n5\n", source: "f")
        }
        guard case .unreadableIDFile(let reported, _) = forgetError({ _ = try ForgetSpec(parsing: "ids:/no/such") })
        else {
            Issue.record("expected unreadableIDFile")
            return
        }
        #expect(reported == "/no/such")
    }

    @Test func randomDrawsRoundedFractionDisjointFromRetain() throws {
        var rng = SeededGenerator(seed: 1)
        for fraction in [0.1, 0.01, 0.5, 0.0333] {
            let split = try ForgetSpec.random(fraction: fraction).select(in: dataset, rng: &rng)
            #expect(split.forget.count == Int((fraction * 1000).rounded()))
            #expect(Set(split.forget).isDisjoint(with: split.retain))
            #expect((split.forget + split.retain).sorted() == Array(0..<1000))
        }
        var a = SeededGenerator(seed: 2), b = SeededGenerator(seed: 2)
        let spec = ForgetSpec.random(fraction: 0.1)
        #expect(try spec.select(in: dataset, rng: &a) == spec.select(in: dataset, rng: &b))
    }

    @Test func classTakesExactlyThatClass() throws {
        var rng = SeededGenerator(seed: 1)
        let split = try ForgetSpec.wholeClass(3).select(in: dataset, rng: &rng)
        #expect(split.forget.count == 100 && split.forget.allSatisfy { dataset.labels[$0] == 3 })
        #expect(split.retain.count == 900 && split.retain.allSatisfy { dataset.labels[$0] != 3 })
    }

    /// Ids are stable across subsets: after `subset`, id 950 sits at position 1, not 950.
    @Test func idsMapToPositionsThroughSubsets() throws {
        var rng = SeededGenerator(seed: 1)
        let sub = dataset.subset([10, 950, 20, 30])
        let split = try ForgetSpec.ids([950, 30], source: "t").select(in: sub, rng: &rng)
        #expect(split == ForgetSplit(forget: [1, 3], retain: [0, 2]))
        #expect(throws: ForgetSpecError.unknownID(id: 11)) {
            try ForgetSpec.ids([10, 11], source: "t").select(in: sub, rng: &rng)
        }
    }

    @Test func emptyAndTotalSelectionsAreRejected() {
        var rng = SeededGenerator(seed: 1)
        #expect(throws: ForgetSpecError.emptySelection(spec: "random:0.0001")) {
            try ForgetSpec.random(fraction: 0.0001).select(in: dataset, rng: &rng)
        }
        #expect(throws: ForgetSpecError.selectsEverything(spec: "random:0.9999")) {
            try ForgetSpec.random(fraction: 0.9999).select(in: dataset, rng: &rng)
        }
        #expect(throws: ForgetSpecError.emptySelection(spec: "ids:empty")) {
            try ForgetSpec.ids([], source: "empty").select(in: dataset, rng: &rng)
        }
        let onlyClassTwo = labelOnlyDataset(labels: [2, 2, 2])
        #expect(throws: ForgetSpecError.selectsEverything(spec: "class:2")) {
            try ForgetSpec.wholeClass(2).select(in: onlyClassTwo, rng: &rng)
        }
        #expect(throws: ForgetSpecError.emptySelection(spec: "class:5")) {
            try ForgetSpec.wholeClass(5).select(in: onlyClassTwo, rng: &rng)
        }
    }
}
