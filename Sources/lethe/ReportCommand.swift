import ArgumentParser
import Foundation
import LetheReport

/// `lethe report`: a results file (`--json` of `lethe simulate` or `lethe unlearn`) as one self-contained HTML page
/// with SVG plots. It reads only the versioned results schema (docs/results.schema.json) and refuses any other.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a results file as one self-contained HTML page with SVG plots.",
        discussion: """
            Reads a file written by `lethe simulate --json` or `lethe unlearn --json` (schema \
            \(ResultsSchema.version), docs/results.schema.json) and writes one HTML file that needs no network: \
            each metric per method against Retrain's value (± one standard deviation across seeds), the \
            unlearning job's time and bytes per phase, the clients' mean training loss per FedAvg round for the \
            original and Retrain, the results table and the configuration. A file of another schema version, or \
            none, is refused. `lethe simulate --report PATH` and `lethe unlearn --report PATH` write the same page \
            at the end of a run.
            """
    )

    @Argument(help: "The results file (JSON, schema \(ResultsSchema.version)).") var results: String
    @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the HTML page.") var output: String

    func run() throws {
        let document = try ResultsFile.read(path: results)
        try Self.write(document, source: results, to: output)
        print("wrote \(output)")
    }

    /// Writes the page of `document` to `path`, creating parent folders.
    static func write(_ document: RunDocument, source: String?, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(ReportPage(document: document, source: source).html().utf8).write(to: url, options: .atomic)
    }

    /// `--report` of a run: the page drawn from the JSON the run writes (`json`, the encoded results), read back
    /// through the schema check exactly as `lethe report` reads a file, so both pages are the same.
    static func writeForRun(json: Data, source: String?, to path: String) throws {
        try write(try ResultsFile.decode(json, path: source ?? "this run's results"), source: source, to: path)
        log("report written to \(path)")
    }
}
