import Foundation

/// Lines over integer steps (FedAvg rounds), one per series, with a marker per point and a legend: the per-round
/// training figures of the original and Retrain side by side.
struct LineChart {
    struct Series {
        var name: String
        /// The value at step 1, 2, …
        var values: [Double]
        var cssClass: String
    }

    var id: String
    var title: String
    var yLabel: String
    var xLabel: String
    var series: [Series]
    var frame = SVGFrame(width: 560, height: 280)

    /// The chart as one `<svg>` element.
    func svg() -> String {
        let scale = yScale()
        let marks = series.flatMap { path($0, scale: scale) } + xTicks() + legend()
        return frame.svg(id: id, classes: "line-chart", title: title, yLabel: yLabel, xLabel: xLabel, scale: scale,
                         marks: marks)
    }

    var steps: Int { series.map(\.values.count).max() ?? 0 }

    /// 0 to the highest value, with headroom for the legend.
    func yScale() -> AxisScale {
        let high = series.flatMap(\.values).max() ?? 1
        return AxisScale(minimum: 0, maximum: high > 0 ? high * 1.2 : 1, from: frame.plotBottom, to: frame.plotTop)
    }

    /// The x pixel of step `i` (1-based).
    func x(_ i: Int) -> Double {
        let width = frame.plotRight - frame.plotLeft - 20
        return frame.plotLeft + 10 + (steps > 1 ? Double(i - 1) / Double(steps - 1) * width : width / 2)
    }

    /// The series' polyline and a circle per point, each with a hover title.
    func path(_ s: Series, scale: AxisScale) -> [String] {
        let points = s.values.enumerated().map { "\(frame.n(x($0.offset + 1))),\(frame.n(scale($0.element)))" }
        let dots = s.values.enumerated().map { index, value in
            "<circle class=\"point \(s.cssClass)\" cx=\"\(frame.n(x(index + 1)))\" cy=\"\(frame.n(scale(value)))\" "
                + "r=\"3\"><title>" + HTMLText.escape("\(s.name), round \(index + 1): \(HTMLText.number(value, 3))")
                + "</title></circle>"
        }
        return ["<polyline class=\"series \(s.cssClass)\" points=\"\(points.joined(separator: " "))\"/>"] + dots
    }

    /// Round numbers under the axis (every one up to 12 rounds, then about 10 labels).
    func xTicks() -> [String] {
        let every = max(1, Int((Double(steps) / 10).rounded(.up)))
        return stride(from: 1, through: steps, by: every).map {
            frame.text("\($0)", x: x($0), y: frame.plotBottom + 16, classes: "category", anchor: "middle")
        }
    }

    /// One line swatch and name per series, top right.
    func legend() -> [String] {
        series.enumerated().map { index, s in
            let x = frame.plotRight - 110 * Double(series.count - index), y = frame.plotTop + 8
            return "<g class=\"legend\">" + frame.line(x1: x, y1: y, x2: x + 18, y2: y, classes: "series \(s.cssClass)")
                + frame.text(s.name, x: x + 22, y: y + 4, classes: "legend-label") + "</g>"
        }
    }
}
