/// The page's stylesheet, inline so the file stands alone. Colours: methods blue, Retrain dark grey, the mark red;
/// the same in every chart.
enum ReportStyle {
    static let css = """
    body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px 32px; color: #1d2330;
           background: #ffffff; max-width: 1280px; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 18px; margin: 28px 0 4px; border-bottom: 1px solid #d5d9e0; padding-bottom: 3px; }
    .summary { font-size: 15px; margin: 2px 0; }
    .origin, .note { font-size: 13px; color: #4a5263; margin: 4px 0 10px; max-width: 1100px; }
    .figures { display: flex; flex-wrap: wrap; gap: 10px 18px; }
    svg.chart { background: #fbfbfd; border: 1px solid #e3e6eb; }
    svg.chart text { font-family: "DejaVu Sans", Arial, sans-serif; fill: #1d2330; }
    .chart-title { font-size: 13px; font-weight: bold; }
    .axis-label { font-size: 12px; }
    .tick, .category, .legend-label { font-size: 11px; }
    .value { font-size: 10px; fill: #333a48; }
    .axis { stroke: #5b6272; stroke-width: 1; }
    .grid { stroke: #e3e6eb; stroke-width: 1; }
    .bar.method { fill: #4f7cc3; }
    .bar.method-original { fill: #9aa6b8; }
    .bar.method-retrain { fill: #3d4452; }
    .bar.seconds { fill: #4f7cc3; }
    .bar.sent { fill: #4f7cc3; }
    .bar.received { fill: #e0a43a; }
    .whisker-line, .whisker-cap { stroke: #111111; stroke-width: 1.4; }
    .reference-line { stroke: #c62f2f; stroke-width: 1.6; stroke-dasharray: 6 4; }
    svg.chart .reference-label { font-size: 11px; fill: #c62f2f; font-weight: bold; }
    polyline.series, .legend line.series { fill: none; stroke-width: 2; }
    .series.run-original { stroke: #9aa6b8; }
    .series.run-retrain { stroke: #3d4452; }
    .series.run-ft { stroke: #4f7cc3; }
    .series.run-retrain-2 { stroke: #e0a43a; }
    .series { stroke: #6a9a4f; }
    circle.point { fill: #ffffff; stroke: #6a9a4f; stroke-width: 1.5; }
    circle.point.run-original { stroke: #9aa6b8; }
    circle.point.run-retrain { stroke: #3d4452; }
    circle.point.run-ft { stroke: #4f7cc3; }
    circle.point.run-retrain-2 { stroke: #e0a43a; }
    pre { font-size: 12px; background: #f4f5f8; padding: 10px; overflow-x: auto; }
    table.configuration { border-collapse: collapse; font-size: 13px; }
    table.configuration th { text-align: left; padding: 3px 16px 3px 0; font-weight: normal; color: #4a5263;
                             vertical-align: top; white-space: nowrap; }
    table.configuration td { padding: 3px 0; }

    """
}
