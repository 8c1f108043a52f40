import Foundation

/// Reads the data and golden files that `Tests/Reference/svm_reference.py` wrote.
enum ReferenceFiles {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")

    /// Lines of a CSV file split on commas, header dropped.
    static func csvRows(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    }

    static func json<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// svm_data.csv: (members, non-members, forget) true-label probabilities.
    static func svmData() throws -> (members: [Float], nonMembers: [Float], forget: [Float]) {
        var sets: [String: [Float]] = [:]
        for row in try csvRows("svm_data.csv") { sets[row[0], default: []].append(Float(row[1])!) }
        return (sets["member"]!, sets["nonmember"]!, sets["forget"]!)
    }

    struct SVMGolden: Decodable {
        let grid: [Float]
        let decision: [Double]
        let prediction: [Bool]
        let n_support: Int
        let intercept: Double
        let forget_decision: [Double]
        let mia_efficacy: Double
    }

    struct StatisticsGolden: Decodable {
        struct Class: Decodable {
            let count: Int
            let mean: [Double]
            let variance: [Double]
        }
        let classes: [Class]
    }
}
