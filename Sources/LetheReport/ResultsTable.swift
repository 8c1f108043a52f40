import Foundation

/// The papers' table as text: original and Retrain first, then the methods; "mean ± std" when several seeds.
public enum ResultsTable {
    public static func render(_ document: ResultsDocument) -> String {
        let multi = document.seeds.count > 1
        let showASR = document.results.contains { $0.asr != nil }
        let header = ["method", "UA", "RA", "TA", "MIA"] + (showASR ? ["ASR"] : []) + ["Avg. Gap", "seconds", "RTE"]
        var rows = [header]
        for row in ordered(document.results) {
            func cell(_ value: Double, _ spread: Double?) -> String {
                multi && spread != nil ? String(format: "%.2f ± %.2f", value, spread!) : String(format: "%.2f", value)
            }
            let scores: [String] = [cell(row.ua, row.std?.ua), cell(row.ra, row.std?.ra), cell(row.ta, row.std?.ta),
                                    cell(row.mia, row.std?.mia)]
            let asr: [String] = showASR ? [row.asr.map { cell($0, row.std?.asr) } ?? "—"] : []
            let tail: [String] = [row.avgGap.map { cell($0, row.std?.avgGap) } ?? "—", String(format: "%.1f", row.seconds),
                                  row.rte.map { String(format: "%.2f", $0) } ?? "—"]
            rows.append([row.method] + scores + asr + tail)
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { cells in
            cells.enumerated().map { column, text in
                column == 0 ? text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - text.count) + text
            }.joined(separator: "  ")
        }
        let rule = String(repeating: "─", count: lines[0].count)
        let seeds = document.seeds.map(String.init).joined(separator: ", ")
        let title = "\(document.dataset) · \(document.model) · forget \(document.forget.kind)"
            + (document.forget.fraction.map { " \($0)" } ?? "") + (document.forget.classLabel.map { " \($0)" } ?? "")
            + " (\(document.forget.count) samples)" + (document.forget.canary.map { " · canary \($0)" } ?? "")
            + (document.forget.reason.map { " · reason \($0)" } ?? "")
            + " · seed\(document.seeds.count > 1 ? "s" : "") \(seeds)"
        let notes = attackLine(ordered(document.results)) + membershipLines(ordered(document.results))
            + (showASR ? [asrLabel] : [])
        return ([title, rule, lines[0], rule] + lines.dropFirst() + [rule] + notes).joined(separator: "\n")
    }

    /// What the ASR column means, under every table that has one.
    public static let asrLabel = "ASR: share of triggered test images (true class ≠ the canary's target) classified "
        + "as the target; Retrain's value is the mark (a model that never saw the canary)"

    /// How every report introduces the per-sample membership attack.
    public static let membershipLabel = "membership attack on the forget set vs held-out images of its classes"

    /// Two lines with each model's membership AUC and TPR at 1 % FPR, when they were measured.
    static func membershipLines(_ rows: [ResultRow]) -> [String] {
        let measured = rows.compactMap { row -> (String, Double, Double)? in
            guard let auc = row.membershipAUC, let tpr = row.membershipTPRAtOnePercentFPR else { return nil }
            return (row.method, auc, tpr)
        }
        guard !measured.isEmpty else { return [] }
        return [
            membershipLabel + ": ROC AUC (chance 0.50) "
                + measured.map { String(format: "%@ %.3f", $0.0, $0.1) }.joined(separator: " · "),
            "  TPR at 1 % FPR (chance 1 %): " + measured.map { String(format: "%@ %.1f", $0.0, $0.2) }
                .joined(separator: " · "),
        ]
    }

    /// How every report introduces MIA attack accuracies.
    public static let attackLabel = "MIA attack accuracy on its members vs non-members (chance 50 %): "

    /// One line under the table with each model's MIA attack accuracy, when it was measured: an MIA column read
    /// without it looks equally precise whether the attack separates seen from unseen data or is guessing.
    static func attackLine(_ rows: [ResultRow]) -> [String] {
        let measured = rows.compactMap { row in row.miaAttackAccuracy.map { (row.method, $0) } }
        guard !measured.isEmpty else { return [] }
        return [attackLabel + measured.map { String(format: "%@ %.1f", $0.0, $0.1) }.joined(separator: " · ")]
    }

    /// original, retrain, then the rest in their given order.
    static func ordered(_ rows: [ResultRow]) -> [ResultRow] {
        let first = ["original", "retrain"]
        return first.compactMap { name in rows.first { $0.method == name } } + rows.filter { !first.contains($0.method) }
    }
}
