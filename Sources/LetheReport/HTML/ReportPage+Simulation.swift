import Foundation

/// The charts only `lethe simulate` files have: the unlearning job's phases, and FedAvg's rounds.
extension ReportPage {
    /// The job's phases in the order they run; a phase this list does not know goes last.
    static let phaseOrder = ["requested", "saliency", "mask", "forgetting", "statistics", "contrastive", "verification"]

    /// Phases named in the job's seconds or bytes, in run order.
    static func phases(of job: SimulationFigures.Activity) -> [String] {
        let named = Set(job.phaseSeconds.keys).union(job.phaseBytes.keys.map { String($0.split(separator: ".")[0]) })
        let rank = { (name: String) in phaseOrder.firstIndex(of: name) ?? phaseOrder.count }
        return named.sorted { (rank($0), $0) < (rank($1), $1) }
    }

    func jobSection() -> String? {
        guard let job = document.simulation?.job else { return nil }
        let phases = Self.phases(of: job)
        let seconds = BarChart(id: "chart-phase-seconds", title: "Unlearning job: wall time per phase",
                               yLabel: "time (s)", xLabel: "phase", categories: phases,
                               series: [.init(name: "seconds", values: phases.map { job.phaseSeconds[$0] ?? 0 },
                                              cssClass: "seconds")],
                               frame: SVGFrame(width: 560), valueDecimals: 2)
        let sent = phases.map { Double(job.phaseBytes["\($0).sent"] ?? 0) }
        let received = phases.map { Double(job.phaseBytes["\($0).received"] ?? 0) }
        let unit = ByteUnit.fitting(max(sent.max() ?? 0, received.max() ?? 0))
        let bytes = BarChart(id: "chart-phase-bytes", title: "Unlearning job: bytes per phase (coordinator's socket)",
                             yLabel: "bytes (\(unit.name))", xLabel: "phase", categories: phases,
                             series: [.init(name: "sent", values: sent.map(unit.scaled), cssClass: "sent"),
                                      .init(name: "received", values: received.map(unit.scaled), cssClass: "received")],
                             frame: SVGFrame(width: 560), valueDecimals: unit.decimals)
        let note = String(format: "The federated WSS-CL job took %.2f s in all (%.1f %% of federated Retrain's time), "
                          + "sent %@ and received %@ on the coordinator's socket.", job.seconds,
                          100 * (document.simulation?.jobToRetrainTime ?? 0), ByteUnit.text(job.bytesSent),
                          ByteUnit.text(job.bytesReceived))
        return section(id: "job", title: "The unlearning job, phase by phase", note: note,
                       figures: [seconds.svg(), bytes.svg()])
    }

    /// The per-round loss of every FedAvg run that trained here; a note instead when none did.
    func roundsSection() -> String? {
        guard let simulation = document.simulation else { return nil }
        // Runs from scratch only: FT's rounds continue from the original and would not line up round for round.
        let runs = simulation.activities.filter {
            $0.kind == "training" && $0.name != "ft" && !($0.roundLoss ?? []).isEmpty
        }
        let what = "The figures are the clients' mean training loss (cross-entropy) and training accuracy over their "
            + "last local epoch in each FedAvg round, weighted by their sample counts, as the clients report them in "
            + "their updates: training figures on each client's own data, measured while it trained, not test "
            + "accuracy. FT's rounds start from the original and are not drawn."
        guard !runs.isEmpty else {
            return section(id: "rounds", title: "FedAvg training, round by round", note: what + " This file has "
                           + "none: every model was taken from a cache or written before rounds were recorded.",
                           figures: [])
        }
        let series = runs.map { LineChart.Series(name: $0.name, values: $0.roundLoss ?? [],
                                                 cssClass: "run-\(HTMLText.slug($0.name))") }
        let chart = LineChart(id: "chart-rounds", title: "FedAvg: clients' mean local training loss per round",
                              yLabel: "training loss (cross-entropy)", xLabel: "FedAvg round", series: series)
        var figures = [chart.svg()]
        let measured = runs.filter { !($0.roundAccuracy ?? []).isEmpty }
        if !measured.isEmpty {
            let accuracy = LineChart(
                id: "chart-round-accuracy", title: "FedAvg: clients' mean local training accuracy per round",
                yLabel: "training accuracy (%)", xLabel: "FedAvg round",
                series: measured.map { LineChart.Series(name: $0.name, values: $0.roundAccuracy ?? [],
                                                        cssClass: "run-\(HTMLText.slug($0.name))") })
            figures.append(accuracy.svg())
        }
        return section(id: "rounds", title: "FedAvg training, round by round", note: what, figures: figures)
    }
}

/// Bytes in the unit that keeps a chart's numbers short.
struct ByteUnit {
    var name: String
    var divisor: Double
    var decimals: Int

    static func fitting(_ largest: Double) -> ByteUnit {
        if largest >= 1_048_576 { return ByteUnit(name: "MiB", divisor: 1_048_576, decimals: 2) }
        if largest >= 1024 { return ByteUnit(name: "KiB", divisor: 1024, decimals: 1) }
        return ByteUnit(name: "B", divisor: 1, decimals: 0)
    }

    func scaled(_ bytes: Double) -> Double { bytes / divisor }

    /// "12.99 MiB", "51.6 KiB", "886 B".
    static func text(_ bytes: UInt64) -> String {
        let unit = fitting(Double(bytes))
        return HTMLText.number(unit.scaled(Double(bytes)), unit.decimals) + " " + unit.name
    }
}
