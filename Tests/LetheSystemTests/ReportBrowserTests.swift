import Foundation
import Testing

/// `lethe report` on the main job's results (docs/report-main-job.json) opened in a real headless browser: the
/// page loads from the file alone, every expected plot is in the rendered DOM, and the browser logged no console
/// message (the page has no script; a console line would be an error). Needs Debian's `chromium`, which
/// Deploy/test.sh installs; without it the test is skipped and says so.
/// Where Debian's Chromium is, if it is installed.
enum HeadlessBrowser {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

@Suite struct ReportBrowserTests {

    static let plots = ["chart-ua", "chart-ra", "chart-ta", "chart-mia", "chart-asr", "chart-avg-gap", "chart-seconds",
                        "chart-phase-seconds", "chart-phase-bytes", "chart-rounds", "chart-round-accuracy"]

    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-browser-\(UUID().uuidString)")

    /// Chromium headless on `page` with `arguments`: the DOM it dumps (stdout) and its console lines (stderr lines
    /// Chromium tags `:CONSOLE`), after a run with its own throw-away profile.
    func browse(_ page: URL, _ arguments: [String]) throws -> (dom: String, console: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HeadlessBrowser.path!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                             "--user-data-dir=" + scratch.appendingPathComponent("profile").path,
                             "--no-first-run", "--disable-extensions"]
            + arguments + [page.absoluteString]
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = ErrorCollector(err.fileHandleForReading)
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (dom, errors.lines().filter { $0.contains(":CONSOLE") })
    }

    @Test(.enabled(if: HeadlessBrowser.path != nil, "chromium is not installed (Deploy/test.sh installs it)"),
          .timeLimit(.minutes(2)))
    func theMainJobsReportRendersEveryPlotWithoutErrors() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        // The console check can fail: a page that logs an error is caught.
        let control = scratch.appendingPathComponent("control.html")
        try Data("<!DOCTYPE html><html><body><script>console.error('control');</script></body></html>".utf8)
            .write(to: control)
        let caught = try browse(control, ["--dump-dom"]).console
        try #require(caught.contains { $0.contains("control") }, "the console check sees nothing: \(caught)")

        let page = scratch.appendingPathComponent("report.html")
        let json = ResultsSchemaTests.repositoryRoot.appendingPathComponent("docs/report-main-job.json")
        let (status, output) = try SimulateTests.lethe(["report", json.path, "-o", page.path])
        try #require(status == 0, "lethe report failed:\n\(output)")
        let (dom, console) = try browse(page, ["--dump-dom"])
        #expect(console.isEmpty, "the browser logged:\n\(console.joined(separator: "\n"))")
        #expect(dom.contains("<h1>Lethe report</h1>"), "the DOM:\n\(dom.prefix(2000))")
        for plot in Self.plots {
            #expect(dom.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(plot)\""), "no \(plot) in the DOM")
        }
        #expect(dom.components(separatedBy: "<svg ").count - 1 == Self.plots.count)
        #expect(dom.components(separatedBy: "class=\"reference-line\"").count - 1 == 6, "Retrain marked on 6 charts")
    }
}

/// Reads a pipe to its end on another thread, so a chatty stderr cannot fill the pipe and stall the browser.
final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func lines() -> [String] {
        done.wait()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
