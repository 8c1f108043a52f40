import Foundation
@testable import LetheReport
import Testing

/// The HTML/SVG builders: escaping, labelled axes, Retrain's mark, whiskers only with a spread, and the sections a
/// simulate file adds.
@Suite struct ReportPageTests {
    static func document(seeds: [UInt64] = [1], std: ResultRow.Spread? = nil, method: String = "wss-cl") -> RunDocument {
        var row = ResultRow(method: method, ua: 95.7, ra: 88.6, ta: 87.2, mia: 99.7, seconds: 8.1, avgGap: 1.51,
                            rte: 0.23, configuration: "stage 1 <5> & \"more\"", asr: 1.0)
        row.std = std
        let results = ResultsDocument(command: .simulate, forget: ForgetDescription(kind: "ids", fraction: 0.1, count: 300),
                                      clients: 4, seeds: seeds, results: [
            ResultRow(method: "original", ua: 19.3, ra: 88.9, ta: 87.7, mia: 28.0, seconds: 41.2, avgGap: 35.7, asr: 77.8),
            ResultRow(method: "retrain", ua: 92.7, ra: 88.7, ta: 87.6, mia: 97.0, seconds: 34.4, rte: 1, asr: 1.4),
            row,
        ])
        let job = SimulationFigures.Activity(
            name: "wss-cl", kind: "unlearning", seconds: 8.07, bytesSent: 13_000_000, bytesReceived: 3_500_000,
            phaseBytes: ["saliency.received": 1_690_000, "statistics.sent": 6_740_000, "forgetting.sent": 52_800],
            phaseSeconds: ["saliency": 0.26, "forgetting": 2.7, "statistics": 3.08, "requested": 0.03])
        let original = SimulationFigures.Activity(name: "original", kind: "training", seconds: 41.2,
                                                  roundLoss: [1.2, 0.8, 0.6], roundAccuracy: [60, 75, 82])
        let retrain = SimulationFigures.Activity(name: "retrain", kind: "training", seconds: 34.4,
                                                 roundLoss: [1.3, 0.9, 0.65])
        let ft = SimulationFigures.Activity(name: "ft", kind: "training", seconds: 14, roundLoss: [0.5, 0.4])
        let simulation = SimulationFigures(wallSeconds: 113, cores: 2, threadsPerNode: 1, transport: "tcp",
                                           scenario: "ids", trainPerClient: [3000, 3000, 3000, 3000], testImages: 2000,
                                           rounds: 3, localEpochs: 2, ftRounds: 2, forgettingEpochs: 5,
                                           contrastiveEpochs: 1, jobToRetrainTime: 0.235,
                                           activities: [original, job, retrain, ft])
        return RunDocument(results: results, simulation: simulation)
    }

    /// The `<svg …>…</svg>` element whose id is `id`.
    static func svg(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\"") else { return nil }
        guard let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    @Test func escapesTextFromTheFile() {
        #expect(HTMLText.escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        let html = ReportPage(document: Self.document(method: "x<&\"y")).html()
        #expect(html.contains("x&lt;&amp;&quot;y"))
        #expect(!html.contains("x<&\"y"), "a method name reached the page unescaped")
        #expect(html.contains("stage 1 &lt;5&gt; &amp; &quot;more&quot;"))
        #expect(!html.contains("<5>"))
    }

    @Test func everyMetricHasAChartWithLabelledAxesAndRetrainsMark() throws {
        let html = ReportPage(document: Self.document()).html()
        for (id, axis) in [("chart-ua", "UA (%)"), ("chart-ra", "RA (%)"), ("chart-ta", "TA (%)"),
                           ("chart-mia", "MIA (%)"), ("chart-asr", "ASR (%)"), ("chart-seconds", "time (s)")] {
            let svg = try #require(Self.svg(id, in: html), "no \(id)")
            #expect(svg.contains("class=\"axis-label y-label\"") && svg.contains(">\(axis)</text>"), "\(id): y axis")
            #expect(svg.contains(">method</text>"), "\(id): x axis")
            #expect(svg.contains("class=\"reference-line\""), "\(id): no Retrain mark")
            #expect(svg.contains("class=\"reference-label\" x=\"338.0\"") && svg.contains(">Retrain</text>"),
                    "\(id): Retrain's mark unlabelled")
            #expect(svg.components(separatedBy: "<rect class=\"bar").count - 1 == 3, "\(id): one bar per method")
        }
        let gap = try #require(Self.svg("chart-avg-gap", in: html))
        #expect(!gap.contains("reference-line"), "Avg. Gap is measured to Retrain; it has no mark of its own")
        #expect(gap.components(separatedBy: "<rect class=\"bar").count - 1 == 2, "Retrain has no Avg. Gap bar")
    }

    @Test func retrainsMarkSitsAtRetrainsValue() throws {
        let svg = try #require(Self.svg("chart-ua", in: ReportPage(document: Self.document()).html()))
        // The UA axis runs 0–100 over the plot's 208 → 34 px (260 high, margins 34 above and 52 below).
        let y = HTMLText.number(208 - 92.7 / 100 * (208 - 34), 1)
        #expect(svg.contains("class=\"reference-line\" x1=\"62.0\" y1=\"\(y)\""), "\(svg)")
        #expect(svg.contains(">Retrain</text>") && svg.contains(">92.7</text>"))
    }

    @Test func whiskersOnlyWhenThereIsASpread() throws {
        let single = ReportPage(document: Self.document()).html()
        #expect(!single.contains("class=\"whisker\""))
        let spread = ResultRow.Spread(ua: 2, ra: 0.5, ta: 0.4, mia: 1, avgGap: 0.3, seconds: 0.7, asr: 0.2)
        let multi = ReportPage(document: Self.document(seeds: [1, 2, 3], std: spread)).html()
        let ua = try #require(Self.svg("chart-ua", in: multi))
        #expect(ua.components(separatedBy: "class=\"whisker\"").count - 1 == 1, "one method has a spread")
        #expect(multi.contains("whiskers ± one standard deviation across seeds"))
    }

    @Test func whiskerSpansValuePlusMinusSpread() {
        let chart = BarChart(id: "x", title: "t", yLabel: "y", xLabel: "x", categories: ["a"],
                             series: [.init(name: "s", values: [50], spreads: [10], cssClass: "method")])
        let scale = chart.yScale()
        let svg = chart.svg()
        #expect(svg.contains("y1=\"\(HTMLText.number(scale(40), 1))\""))
        #expect(svg.contains("y2=\"\(HTMLText.number(scale(60), 1))\""))
        #expect(abs(scale(60) - scale(40) - (scale(10) - scale(0)) * 2) < 1e-9)
    }

    @Test func simulationAddsPhaseAndRoundCharts() throws {
        let html = ReportPage(document: Self.document()).html()
        let seconds = try #require(Self.svg("chart-phase-seconds", in: html))
        #expect(seconds.contains(">time (s)</text>") && seconds.contains(">phase</text>"))
        let phases = ["requested", "saliency", "forgetting", "statistics"]
        let positions = phases.compactMap { seconds.range(of: ">\($0)</text>")?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted(), "phases in run order")
        let bytes = try #require(Self.svg("chart-phase-bytes", in: html))
        #expect(bytes.contains(">bytes (MiB)</text>") && bytes.contains(">sent</text>") && bytes.contains(">received</text>"))
        let rounds = try #require(Self.svg("chart-rounds", in: html))
        #expect(rounds.contains(">FedAvg round</text>") && rounds.contains(">training loss (cross-entropy)</text>"))
        #expect(rounds.components(separatedBy: "<polyline").count - 1 == 2, "original and retrain; FT's rounds start elsewhere")
        let accuracy = try #require(Self.svg("chart-round-accuracy", in: html))
        #expect(accuracy.contains(">training accuracy (%)</text>"))
        #expect(accuracy.components(separatedBy: "<polyline").count - 1 == 1, "only the original reported accuracy")
        #expect(html.contains("not test accuracy"), "the page says what the per-round figure is")
    }

    @Test func anUnlearnFileHasNoSimulationSections() {
        var document = Self.document()
        document.simulation = nil
        let html = ReportPage(document: document).html()
        #expect(html.contains("id=\"chart-ua\""))
        #expect(!html.contains("chart-phase") && !html.contains("chart-rounds"))
        #expect(!html.contains("<script"), "the page needs no script")
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
            .contains("http://"), "no external resource")
    }

    @Test func niceTicksCoverTheRange() {
        let scale = AxisScale(minimum: 0, maximum: 107, from: 200, to: 0)
        #expect(scale.ticks == [0, 20, 40, 60, 80, 100, 120])
        #expect(abs(scale(0) - 200) < 1e-9 && abs(scale(120)) < 1e-9)
        #expect(AxisScale.niceStep(0.37) == 0.5)
        #expect(AxisScale(minimum: 0, maximum: 1.6, from: 1, to: 0).decimals == 1)
    }
}
