import Foundation

/// The configuration table: what was run, as the file records it, so a figure can be reproduced.
extension ReportPage {
    func configurationSection() -> String {
        let rows = configurationRows().map { key, value in
            "<tr><th scope=\"row\">\(HTMLText.escape(key))</th><td>\(HTMLText.escape(value))</td></tr>"
        }
        return "<section id=\"configuration\">\n<h2>Configuration</h2>\n<table class=\"configuration\">\n"
            + rows.joined(separator: "\n") + "\n</table>\n</section>"
    }

    /// (key, value) pairs: the run, the forget set, the federation (simulate only), then each method's setting.
    func configurationRows() -> [(String, String)] {
        let forget = results.forget
        var rows: [(String, String)] = [
            ("command", "lethe \(results.command)"), ("dataset", results.dataset), ("model", results.model),
            ("forget", forget.kind + (forget.fraction.map { " \($0)" } ?? "") + (forget.classLabel.map { " \($0)" } ?? "")
                + " (\(forget.count) samples)"),
            ("canary", forget.canary ?? "none"), ("reason", forget.reason ?? "—"), ("clients", "\(results.clients)"),
            ("seeds", results.seeds.map(String.init).joined(separator: ", ")),
        ]
        if let simulation = document.simulation { rows += federationRows(simulation) }
        rows += self.rows.compactMap { row in row.configuration.map { ("method \(row.method)", $0) } }
        return rows
    }

    func federationRows(_ s: SimulationFigures) -> [(String, String)] {
        [("scenario", s.scenario), ("training images per client", s.trainPerClient.map(String.init).joined(separator: ", ")),
         ("test images", "\(s.testImages)"), ("FedAvg", "\(s.rounds) rounds × \(s.localEpochs) local epochs"),
         ("FT", "\(s.ftRounds) rounds"),
         ("WSS-CL stages", "stage 1 \(s.forgettingEpochs) epoch(s), stage 2 \(s.contrastiveEpochs) epoch(s)"),
         ("transport", s.transport),
         ("machine", "\(s.cores) core(s), \(s.threadsPerNode) BLAS thread(s) per node"),
         ("wall time", HTMLText.number(s.wallSeconds, 1) + " s")]
    }
}
