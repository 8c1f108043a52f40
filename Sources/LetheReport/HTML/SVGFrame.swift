import Foundation

/// The frame every chart shares: the `<svg>` element with its title, the plot area, a labelled y axis with grid
/// lines and ticks, and a labelled x axis. Charts draw their marks inside `plot`.
struct SVGFrame {
    var width = 380.0
    var height = 260.0
    /// Left, right, top and bottom margins around the plot area.
    var left = 62.0, right = 14.0, top = 34.0, bottom = 52.0

    init(width: Double = 380, height: Double = 260, right: Double = 14) {
        self.width = width
        self.height = height
        self.right = right
    }

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    /// The chart: `<svg id=… class=…>` with `title` on top, the y axis of `scale` labelled `yLabel`, `xLabel` under
    /// the plot, then `marks`.
    func svg(id: String, classes: String, title: String, yLabel: String, xLabel: String, scale: AxisScale,
             marks: [String]) -> String {
        let head = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(HTMLText.escape(id))\" class=\"chart "
            + "\(HTMLText.escape(classes))\" role=\"img\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" "
            + "height=\"\(n(height))\" aria-label=\"\(HTMLText.escape(title))\">"
        let parts = [head, "<title>\(HTMLText.escape(title))</title>",
                     text(title, x: width / 2, y: 18, classes: "chart-title", anchor: "middle")]
            + yAxis(scale, label: yLabel) + [xAxisLine(), xAxisLabel(xLabel)] + marks + ["</svg>"]
        return parts.joined(separator: "\n")
    }

    /// Grid lines, tick labels and the rotated axis label.
    func yAxis(_ scale: AxisScale, label: String) -> [String] {
        let ticks = scale.ticks.map { tick -> String in
            let y = scale(tick)
            return line(x1: plotLeft, y1: y, x2: plotRight, y2: y, classes: "grid")
                + text(HTMLText.number(tick, scale.decimals), x: plotLeft - 6, y: y + 4, classes: "tick", anchor: "end")
        }
        let middle = (plotTop + plotBottom) / 2
        let title = "<text class=\"axis-label y-label\" x=\"14\" y=\"\(n(middle))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 14 \(n(middle)))\">\(HTMLText.escape(label))</text>"
        return ticks + [line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, classes: "axis"), title]
    }

    func xAxisLine() -> String { line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, classes: "axis") }

    func xAxisLabel(_ label: String) -> String {
        text(label, x: (plotLeft + plotRight) / 2, y: height - 8, classes: "axis-label x-label", anchor: "middle")
    }

    /// A `<text>` element; `content` is escaped.
    func text(_ content: String, x: Double, y: Double, classes: String, anchor: String = "start",
              rotate: Double? = nil) -> String {
        let turn = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
        return "<text class=\"\(classes)\" x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(turn)>"
            + "\(HTMLText.escape(content))</text>"
    }

    func line(x1: Double, y1: Double, x2: Double, y2: Double, classes: String) -> String {
        "<line class=\"\(classes)\" x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\"/>"
    }

    func n(_ value: Double) -> String { HTMLText.number(value, 1) }
}
