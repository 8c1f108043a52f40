import Foundation
import LetheNN
@testable import LetheUnlearning
import Testing

@Suite struct MethodCatalogTests {
    @Test func listsParseInOrderAndAllMeansEveryMethod() throws {
        #expect(try MethodCatalog.parse("salun, wss-cl") == [.salun, .wssCL])
        #expect(try MethodCatalog.parse("all") == MethodName.allCases)
        #expect(throws: UnlearningError.unknownMethod("magic")) { try MethodCatalog.parse("ft,magic") }
    }

    @Test func overridesChangeOnlyTheNamedKeys() throws {
        let method = try MethodCatalog.make(.wssCL, overrides: ["stage2": ["epochs": 3, "space": "features"],
                                                                "repair": ["kind": "distill", "steps": 50,
                                                                           "learningRate": 0.01, "batchSize": 128]])
        let c = (method as! WSSCL).configuration
        #expect(c.stage2.epochs == 3 && c.stage2.space == .features)
        #expect(c.stage2.temperature == WSSCLConfiguration().stage2.temperature)
        #expect(c.repair?.steps == 50)
    }

    @Test func aPresetReplacesTheKindDefaultAndTakesFurtherOverrides() throws {
        let literal = try MethodCatalog.make(.wssCL, overrides: ["preset": "abstract-literal"]) as! WSSCL
        #expect(literal.configuration == WSSCLConfiguration.abstractLiteral)
        let changed = try MethodCatalog.make(.wssCL, overrides: ["preset": "classes", "stage2": ["epochs": 2]],
                                             kind: .samples) as! WSSCL
        var expected = WSSCLConfiguration.forClasses
        expected.stage2.epochs = 2
        #expect(changed.configuration == expected)
        #expect(throws: UnlearningError.self) { try MethodCatalog.make(.wssCL, overrides: ["preset": "fastest"]) }
    }

    @Test func overridesThatAreNotAnObjectAreRefused() {
        #expect(throws: UnlearningError.self) { try MethodCatalog.make(.ft, overrides: 3) }
        #expect(throws: UnlearningError.self) { try MethodCatalog.make(.wssCL, overrides: "fast") }
    }

    @Test func nullClearsAnOptionalSetting() throws {
        let method = try MethodCatalog.make(.wssCL, overrides: ["stage2": ["retainBatchesPerRound": NSNull()],
                                                                "maskFraction": NSNull()])
        #expect((method as! WSSCL).configuration.stage2.retainBatchesPerRound == nil)
        #expect((method as! WSSCL).configuration.maskFraction == nil)
    }

    @Test func enumCasesAreReplacedNotMerged() throws {
        let method = try MethodCatalog.make(.ft, overrides: ["recipe": ["schedule": ["constant": [String: Any]()]]])
        #expect((method as! FineTune).configuration.recipe.schedule == .constant)
    }

    @Test func typosAndWrongTypesAreNamed() {
        #expect(throws: UnlearningError.invalidConfiguration(method: "gc", reason: "unknown key 'lambdaa'")) {
            try MethodCatalog.make(.gc, overrides: ["lambdaa": 3])
        }
        #expect(throws: UnlearningError.invalidConfiguration(method: "salun", reason: "wrong type at epochs")) {
            try MethodCatalog.make(.salun, overrides: ["epochs": "five"])
        }
    }
}
