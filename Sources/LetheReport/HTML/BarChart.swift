import Foundation

/// Vertical bars by category, one bar per series in each category (grouped), with optional ± whiskers and a
/// dashed reference line: the metric charts draw one series (the methods) against Retrain's value, the phase
/// charts one or two series (seconds; bytes sent and received).
struct BarChart {
    struct Series {
        var name: String
        var values: [Double]
        /// One standard deviation per value (nil: no whisker), drawn as value ± spread.
        var spreads: [Double?]
        var cssClass: String

        init(name: String, values: [Double], spreads: [Double?]? = nil, cssClass: String) {
            self.name = name
            self.values = values
            self.spreads = spreads ?? values.map { _ in nil }
            self.cssClass = cssClass
        }
    }

    /// A horizontal mark across the plot, e.g. Retrain's value.
    struct Reference {
        var label: String
        var value: Double
    }

    var id: String
    var title: String
    var yLabel: String
    var xLabel: String
    var categories: [String]
    var series: [Series]
    var reference: Reference?
    /// Extra classes per category (e.g. "retrain" on Retrain's bar), same order as `categories`.
    var categoryClasses: [String] = []
    /// The metric charts keep a right margin for the reference's label.
    var frame = SVGFrame(width: 390, right: 56)
    /// Decimals of the value printed above each bar.
    var valueDecimals = 1
    /// The axis's top when every bar and whisker fits under it (100 for percentages), instead of a computed one.
    var ceiling: Double?

    /// The chart as one `<svg>` element.
    func svg() -> String {
        var chart = self
        if turnsLabels { chart.frame.bottom += 24; chart.frame.height += 24 }
        return chart.drawn()
    }

    private func drawn() -> String {
        let scale = yScale()
        var marks = categories.indices.flatMap { bars(at: $0, scale: scale) }
        marks += categoryLabels()
        if let reference { marks += referenceLine(reference, scale: scale) }
        if series.count > 1 { marks += legend() }
        return frame.svg(id: id, classes: "bar-chart", title: title, yLabel: yLabel, xLabel: xLabel, scale: scale,
                         marks: marks)
    }

    /// From 0 (or below, for negative values) to the highest bar, whisker or reference, with headroom for labels;
    /// `ceiling` when everything fits under it.
    func yScale() -> AxisScale {
        let tops = series.flatMap { s in s.values.indices.map { s.values[$0] + (s.spreads[$0] ?? 0) } }
        let bottoms = series.flatMap { s in s.values.indices.map { s.values[$0] - (s.spreads[$0] ?? 0) } }
        let highest = max(tops.max() ?? 1, reference?.value ?? 0)
        let high = ceiling.flatMap { highest <= $0 ? $0 : nil } ?? highest * (series.count > 1 ? 1.25 : 1.1)
        return AxisScale(minimum: min(0, bottoms.min() ?? 0), maximum: high > 0 ? high : 1,
                         from: frame.plotBottom, to: frame.plotTop)
    }

    var slot: Double { (frame.plotRight - frame.plotLeft) / Double(max(1, categories.count)) }
    var barWidth: Double { min(46, slot * 0.8 / Double(max(1, series.count))) }

    /// Left edge of series `s`'s bar in category `c`.
    func barX(_ c: Int, _ s: Int) -> Double {
        let group = barWidth * Double(series.count)
        return frame.plotLeft + slot * (Double(c) + 0.5) - group / 2 + barWidth * Double(s)
    }

    /// Category `c`'s bars, each with its value above it and its whisker.
    func bars(at c: Int, scale: AxisScale) -> [String] {
        series.indices.flatMap { s -> [String] in
            let value = series[s].values[c], x = barX(c, s)
            let (y0, y1) = (scale(max(0, value)), scale(min(0, value)))
            let extra = c < categoryClasses.count ? " " + categoryClasses[c] : ""
            var parts = ["<rect class=\"bar \(series[s].cssClass)\(extra)\" x=\"\(frame.n(x))\" y=\"\(frame.n(y0))\" "
                + "width=\"\(frame.n(barWidth))\" height=\"\(frame.n(max(0.5, y1 - y0)))\"><title>"
                + HTMLText.escape("\(categories[c]) · \(series[s].name): \(HTMLText.number(value, valueDecimals))")
                + "</title></rect>"]
            let spread = series[s].spreads[c]
            if let spread { parts.append(whisker(x: x + barWidth / 2, value: value, spread: spread, scale: scale)) }
            // Many empty bars side by side (bytes a phase did not move) read better without a row of zeros.
            let label = HTMLText.number(value, valueDecimals)
            guard series.count == 1 || Double(label) != 0 else { return parts }
            let labelY = scale(value + max(0, spread ?? 0)) - 4
            parts.append(frame.text(label, x: x + barWidth / 2, y: labelY,
                                    classes: "value", anchor: "middle"))
            return parts
        }
    }

    /// An I-beam from value − spread to value + spread.
    func whisker(x: Double, value: Double, spread: Double, scale: AxisScale) -> String {
        let (low, high) = (scale(value - spread), scale(value + spread))
        return "<g class=\"whisker\">" + frame.line(x1: x, y1: low, x2: x, y2: high, classes: "whisker-line")
            + frame.line(x1: x - 5, y1: low, x2: x + 5, y2: low, classes: "whisker-cap")
            + frame.line(x1: x - 5, y1: high, x2: x + 5, y2: high, classes: "whisker-cap") + "</g>"
    }

    /// Whether the category names would collide side by side (about 6.5 px a character at 11 px).
    var turnsLabels: Bool { Double(categories.map(\.count).max() ?? 0) * 6.5 > slot }

    /// Category names under the axis, turned when they would collide.
    func categoryLabels() -> [String] {
        let turn = turnsLabels
        return categories.indices.map { c in
            let x = frame.plotLeft + slot * (Double(c) + 0.5)
            return frame.text(categories[c], x: x, y: frame.plotBottom + 16, classes: "category",
                              anchor: turn ? "end" : "middle", rotate: turn ? -30 : nil)
        }
    }

    /// The dashed reference line, labelled in the right margin (name above, value below the line) where no bar
    /// label can cover it.
    func referenceLine(_ reference: Reference, scale: AxisScale) -> [String] {
        let y = scale(reference.value), x = frame.plotRight + 4
        return ["<g class=\"reference\">" + frame.line(x1: frame.plotLeft, y1: y, x2: frame.plotRight, y2: y,
                                                         classes: "reference-line")
            + frame.text(reference.label, x: x, y: y - 3, classes: "reference-label")
            + frame.text(HTMLText.number(reference.value, valueDecimals), x: x, y: y + 11, classes: "reference-label")
            + "</g>"]
    }

    /// One swatch and name per series, top right of the plot (the scale leaves headroom for it).
    func legend() -> [String] {
        series.enumerated().map { index, s in
            let x = frame.plotRight - 90 * Double(series.count - index)
            return "<g class=\"legend\"><rect class=\"bar \(s.cssClass)\" x=\"\(frame.n(x))\" "
                + "y=\"\(frame.n(frame.plotTop + 2))\" width=\"10\" height=\"10\"/>"
                + frame.text(s.name, x: x + 14, y: frame.plotTop + 11, classes: "legend-label") + "</g>"
        }
    }
}
