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
}
