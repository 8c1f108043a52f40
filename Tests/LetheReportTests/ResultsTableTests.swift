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
}
