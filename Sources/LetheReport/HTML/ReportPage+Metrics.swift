import Foundation

/// The metric charts: one per metric, a bar per method, Retrain's value as a dashed line, ± one standard
/// deviation across seeds as whiskers when the file has several seeds.
extension ReportPage {
    /// One metric as the report draws it.
    struct Metric {
        var key: String
        var title: String
        var axis: String
        var value: (ResultRow) -> Double?
        var spread: (ResultRow) -> Double?
        /// Whether Retrain's value is drawn as the mark (Avg. Gap is measured *to* Retrain: it has none).
        var markRetrain = true
        /// Percentages: the axis ends at 100 when everything fits.
        var percent = true
    }

    /// UA, RA, TA, MIA, ASR when a canary was measured, Avg. Gap, then the run time.
    var metrics: [Metric] {
        var list = [
            Metric(key: "ua", title: "UA: 100 − accuracy on the forget set", axis: "UA (%)",
                   value: { $0.ua }, spread: { $0.std?.ua }),
            Metric(key: "ra", title: "RA: accuracy on the retained data", axis: "RA (%)",
                   value: { $0.ra }, spread: { $0.std?.ra }),
            Metric(key: "ta", title: "TA: test accuracy", axis: "TA (%)", value: { $0.ta }, spread: { $0.std?.ta }),
            Metric(key: "mia", title: "MIA-efficacy: forget samples called unseen", axis: "MIA (%)",
                   value: { $0.mia }, spread: { $0.std?.mia }),
        ]
        if rows.contains(where: { $0.asr != nil }) {
            list.append(Metric(key: "asr", title: "ASR: triggered test images sent to the target", axis: "ASR (%)",
                               value: { $0.asr }, spread: { $0.std?.asr }))
        }
        list.append(Metric(key: "avg-gap", title: "Avg. Gap to Retrain (lower is closer)",
                           axis: "Avg. Gap (percentage points)", value: { $0.avgGap }, spread: { $0.std?.avgGap },
                           markRetrain: false, percent: false))
        list.append(Metric(key: "seconds", title: "Run time (RTE = time / Retrain's)", axis: "time (s)",
                           value: { $0.seconds }, spread: { $0.std?.seconds }, percent: false))
        return list
    }

    func metricsSection() -> String {
        let seeds = results.seeds.count
        let note = "Each chart: one bar per method (the mean over \(seeds) seed\(seeds == 1 ? "" : "s")"
            + (seeds > 1 ? "; whiskers ± one standard deviation across seeds" : "; one seed, so no spread")
            + "). The dashed line is Retrain's value, the mark a deletion should reach. Percentages are 0–100."
        return section(id: "metrics", title: "Metrics against Retrain", note: note, figures: metrics.compactMap(chart))
    }

    /// The chart of `metric` over the methods that have it; nil when none has.
    func chart(_ metric: Metric) -> String? {
        let shown = rows.filter { metric.value($0) != nil }
        guard !shown.isEmpty else { return nil }
        let retrain = metric.markRetrain ? rows.first { $0.method == "retrain" }.flatMap(metric.value) : nil
        let series = BarChart.Series(name: metric.axis, values: shown.map { metric.value($0)! },
                                     spreads: shown.map(metric.spread), cssClass: "method")
        return BarChart(id: "chart-\(metric.key)", title: metric.title, yLabel: metric.axis, xLabel: "method",
                        categories: shown.map(\.method), series: [series],
                        reference: retrain.map { .init(label: "Retrain", value: $0) },
                        categoryClasses: shown.map { "method-\(HTMLText.slug($0.method))" },
                        valueDecimals: metric.key == "avg-gap" ? 2 : 1, ceiling: metric.percent ? 100 : nil).svg()
    }
}
