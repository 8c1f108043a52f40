import Foundation
@testable import LetheUnlearning
import Testing

@Suite struct SweepGridTests {
    @Test func gridIsTheCartesianProductInKeyOrder() throws {
        let grid = try SweepGrid(object: ["method": "wss-cl", "base": ["stage2": ["space": "features"]],
                                          "grid": ["stage1.epochs": [1, 2] as [Any], "maskFraction": [0.3, 0.5]]])
        #expect(grid.points.map(\.label) == ["maskFraction=0.3, stage1.epochs=1", "maskFraction=0.3, stage1.epochs=2",
                                             "maskFraction=0.5, stage1.epochs=1", "maskFraction=0.5, stage1.epochs=2"])
        let last = try MethodCatalog.make(.wssCL, overrides: grid.overrides(at: 3)) as! WSSCL
        #expect(last.configuration.stage1.epochs == 2 && last.configuration.maskFraction == 0.5)
        #expect(last.configuration.stage2.space == .features)
    }

    @Test func listedPointsSetTheirKeysOnTheBase() throws {
        let grid = try SweepGrid(object: [
            "method": "wss-cl", "base": ["stage2": ["epochs": 4]],
            "points": [["label": "default"],
                       ["retainLoss": "distill", "stage2.retainBatchesPerRound": 11, "maskFraction": NSNull()],
                       ["repair.steps": 200, "repair.kind": "distill"]],
        ])
        #expect(grid.points.map(\.label) == ["default", "maskFraction=<null>, retainLoss=distill, stage2.retainBatchesPerRound=11",
                                             "repair.kind=distill, repair.steps=200"])
        let configurations = try (0..<3).map {
            (try MethodCatalog.make(.wssCL, overrides: grid.overrides(at: $0)) as! WSSCL).configuration
        }
        #expect(configurations.allSatisfy { $0.stage2.epochs == 4 })
        let defaults = WSSCLConfiguration.forSamples
        #expect(configurations[0].retainLoss == .crossEntropy && configurations[0].maskFraction == defaults.maskFraction)
        #expect(configurations[0].stage2.retainBatchesPerRound == defaults.stage2.retainBatchesPerRound)
        #expect(configurations[1].retainLoss == .distill && configurations[1].stage2.retainBatchesPerRound == 11)
        #expect(configurations[1].maskFraction == nil)
        #expect(configurations[2].repair?.steps == 200 && configurations[2].repair?.kind == .distill)
    }

    @Test func gridAndPointsAddUp() throws {
        let grid = try SweepGrid(object: ["method": "ft", "grid": ["recipe.epochs": [1, 2]], "points": [["recipe.epochs": 5]]])
        #expect(grid.points.count == 3)
    }

    @Test func badSweepsAreNamedBeforeAnyRun() {
        #expect(throws: UnlearningError.invalidConfiguration(method: "sweep", reason: "the sweep needs \"grid\" or \"points\"")) {
            try SweepGrid(object: ["method": "wss-cl"])
        }
        #expect(throws: UnlearningError.invalidConfiguration(method: "sweep", reason: "unknown key 'pionts'")) {
            try SweepGrid(object: ["method": "wss-cl", "pionts": [["stage1.epochs": 2]]])
        }
        #expect(throws: (any Error).self) {
            try SweepGrid(object: ["method": "wss-cl", "points": [["stage1.epochz": 2]]])
        }
        #expect(throws: UnlearningError.invalidConfiguration(
            method: "sweep", reason: "\"points\" must be a non-empty list of objects of dotted keys")) {
            try SweepGrid(object: ["method": "wss-cl", "points": []])
        }
    }
}
