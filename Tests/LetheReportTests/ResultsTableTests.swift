import Foundation
import LetheReport
import Testing

@Suite struct ResultsTableTests {
    let document = ResultsDocument(
        forget: ForgetDescription(kind: "random", fraction: 0.1, count: 5400), seeds: [1],
        results: [
            ResultRow(method: "wss-cl", ua: 8.3, ra: 98.7, ta: 91.2, mia: 13.1, seconds: 6.4, avgGap: 0.6, rte: 0.02),
            ResultRow(method: "retrain", ua: 7.9, ra: 99.1, ta: 91.8, mia: 12.0, seconds: 310.2, rte: 1),
            ResultRow(method: "original", ua: 3.0, ra: 97.0, ta: 92.4, mia: 5.0, seconds: 0, avgGap: 2.3),
        ])

    @Test func originalAndRetrainComeFirst() {
        let lines = ResultsTable.render(document).split(separator: "\n")
        #expect(lines[0].contains("forget random 0.1 (5400 samples) · seed 1"))
        #expect(lines[4].hasPrefix("original"))
        #expect(lines[5].hasPrefix("retrain"))
        #expect(lines[6].hasPrefix("wss-cl"))
        #expect(lines[6].contains("0.60"))
        #expect(lines.count == 8, "no attack line when no row measured the attack")
    }

    @Test func measuredAttackAccuraciesFollowTheTableInRowOrder() {
        var measured = document
        measured.results[0].miaAttackAccuracy = 51.34
        measured.results[2].miaAttackAccuracy = 60
        let lines = ResultsTable.render(measured).split(separator: "\n")
        #expect(lines.last == "MIA attack accuracy on its members vs non-members (chance 50 %): original 60.0 · wss-cl 51.3")
        let decoded = try? JSONDecoder().decode(ResultsDocument.self, from: measured.jsonData())
        #expect(decoded?.results[0].miaAttackAccuracy == 51.34)
    }

    @Test func jsonFollowsTheArchitectureSchema() throws {
        let object = try JSONSerialization.jsonObject(with: document.jsonData()) as! [String: Any]
        #expect(object["dataset"] as? String == "fashion-mnist")
        #expect(object["seed"] as? Int == 1)
        let results = object["results"] as! [[String: Any]]
        #expect(results[0]["avg_gap"] as? Double == 0.6)
        #expect((object["forget"] as! [String: Any])["fraction"] as? Double == 0.1)
        let decoded = try JSONDecoder().decode(ResultsDocument.self, from: document.jsonData())
        #expect(decoded == document)
    }

    @Test func aggregateAveragesTheAttackAccuracyOnlyWhenEverySeedMeasuredIt() {
        let a = ResultRow(method: "wss-cl", ua: 1, ra: 2, ta: 3, mia: 4, seconds: 5, miaAttackAccuracy: 50)
        var b = a
        b.miaAttackAccuracy = 53
        #expect(ResultRow.aggregate([a, b]).miaAttackAccuracy == 51.5)
        b.miaAttackAccuracy = nil
        #expect(ResultRow.aggregate([a, b]).miaAttackAccuracy == nil)
    }

    @Test func aCanaryAddsTheASRColumnTheTitleAndItsLegend() throws {
        var canaried = document
        canaried.forget.canary = "target:0"
        canaried.results[0].asr = 9.5
        canaried.results[2].asr = 97.25
        let lines = ResultsTable.render(canaried).split(separator: "\n").map(String.init)
        #expect(lines[0].contains("· canary target:0 ·"))
        #expect(lines[2].contains("MIA    ASR  Avg. Gap"), "\(lines[2])")
        #expect(lines[4].contains("97.25"))
        #expect(lines[5].contains("—"), "Retrain's ASR was not measured here")
        #expect(lines.last == ResultsTable.asrLabel)
        #expect(!ResultsTable.render(document).contains("ASR"), "no column without a canary")
        let json = try JSONSerialization.jsonObject(with: canaried.jsonData()) as! [String: Any]
        #expect((json["forget"] as! [String: Any])["canary"] as? String == "target:0")
        #expect((json["results"] as! [[String: Any]])[2]["asr"] as? Double == 97.25)
    }

    @Test func membershipAUCAndTPRFollowTheTableInRowOrder() {
        var measured = document
        measured.results[0].membershipAUC = 0.5012
        measured.results[0].membershipTPRAtOnePercentFPR = 1.25
        measured.results[2].membershipAUC = 0.61
        measured.results[2].membershipTPRAtOnePercentFPR = 4
        let lines = ResultsTable.render(measured).split(separator: "\n").map(String.init)
        #expect(lines[lines.count - 2].hasSuffix("ROC AUC (chance 0.50) original 0.610 · wss-cl 0.501"))
        #expect(lines.last == "  TPR at 1 % FPR (chance 1 %): original 4.0 · wss-cl 1.2")
        var b = measured.results[0]
        b.membershipAUC = 0.6
        #expect(abs(ResultRow.aggregate([measured.results[0], b]).membershipAUC! - 0.5506) < 1e-12)
    }
}
