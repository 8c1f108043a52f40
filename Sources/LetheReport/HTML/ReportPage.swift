import Foundation

/// One self-contained HTML page for a results file: the metrics of every method against Retrain, the unlearning
/// job's time and bytes per phase, the training loss per FedAvg round, the text table and the configuration. Inline
/// CSS and SVG only: no script, no external resource, so it opens offline and prints as it shows.
public struct ReportPage {
    public var document: RunDocument
    /// Where the document came from, shown in the page's header (nil: not shown).
    public var source: String?

    public init(document: RunDocument, source: String? = nil) {
        self.document = document
        self.source = source
    }

    /// The whole page.
    public func html() -> String {
        let sections = [metricsSection(), jobSection(), roundsSection(), tableSection(), configurationSection()]
        return (["<!DOCTYPE html>", "<html lang=\"en\">", head(), "<body>", header()]
            + sections.compactMap { $0 } + ["</body>", "</html>"]).joined(separator: "\n") + "\n"
    }

    var results: ResultsDocument { document.results }
    var rows: [ResultRow] { ResultsTable.ordered(results.results) }

    func head() -> String {
        "<head>\n<meta charset=\"utf-8\">\n<title>\(HTMLText.escape("Lethe report · " + summaryLine))</title>\n"
            + "<style>\n\(ReportStyle.css)</style>\n</head>"
    }

    func header() -> String {
        let origin = "written by <code>lethe \(HTMLText.escape(results.command))</code>, schema <code>"
            + "\(HTMLText.escape(results.schema))</code>" + (source.map { " · <code>\(HTMLText.escape($0))</code>" } ?? "")
        return "<header>\n<h1>Lethe report</h1>\n<p class=\"summary\">\(HTMLText.escape(summaryLine))</p>\n"
            + "<p class=\"origin\">\(origin)</p>\n</header>"
    }

    /// The table's first line: dataset, model, what was forgotten, seeds.
    var summaryLine: String { String(ResultsTable.render(results).prefix { $0 != "\n" }) }

    /// A `<section>` with a heading, an explanation and its figures side by side.
    func section(id: String, title: String, note: String, figures: [String]) -> String {
        "<section id=\"\(id)\">\n<h2>\(HTMLText.escape(title))</h2>\n<p class=\"note\">\(HTMLText.escape(note))</p>\n"
            + "<div class=\"figures\">\n" + figures.joined(separator: "\n") + "\n</div>\n</section>"
    }

    /// The papers' text table, as the command printed it.
    func tableSection() -> String {
        "<section id=\"table\">\n<h2>Results table</h2>\n<pre>\(HTMLText.escape(ResultsTable.render(results)))</pre>\n"
            + "</section>"
    }
}
