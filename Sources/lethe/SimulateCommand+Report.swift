import LetheCoordinator

/// The text `lethe simulate` prints under the results table: the job's phases and the wire census.
extension SimulateCommand {
    /// The unlearning job's phases: seconds, bytes sent and received.
    func phaseTable(_ job: ActivityReport) -> String {
        let phases = Set(job.phaseSeconds.keys).union(job.phaseBytes.keys.map { String($0.split(separator: ".")[0]) })
        let order = ["requested", "saliency", "mask", "forgetting", "statistics", "contrastive", "verification"]
        let sorted = phases.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        func line(_ name: String, _ seconds: Double, _ sent: UInt64, _ received: UInt64) -> String {
            name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + [String(format: "%.2f", seconds), bytesText(sent), bytesText(received)].map {
                    String(repeating: " ", count: max(0, 12 - $0.count)) + $0
                }.joined()
        }
        var lines = ["wss-cl job    " + ["seconds", "sent", "received"].map {
            String(repeating: " ", count: 12 - $0.count) + $0
        }.joined()]
        for phase in sorted {
            lines.append(line(phase, job.phaseSeconds[phase] ?? 0, job.phaseBytes["\(phase).sent"] ?? 0,
                              job.phaseBytes["\(phase).received"] ?? 0))
        }
        lines.append(line("total", job.seconds, job.bytesSent, job.bytesReceived))
        return lines.joined(separator: "\n")
    }

    func censusSummary(_ census: WireCensus) -> String {
        let parts = census.kinds.keys.sorted().map { key in
            let t = census.kinds[key]!
            return "\(key) \(t.messages)×/\(bytesText(t.bytes))"
        }
        return "wire census (coordinator socket, both directions): " + parts.joined(separator: ", ")
    }

    func bytesText(_ bytes: UInt64) -> String {
        let b = Double(bytes)
        if b >= 1_048_576 { return String(format: "%.2f MiB", b / 1_048_576) }
        if b >= 1024 { return String(format: "%.1f KiB", b / 1024) }
        return "\(bytes) B"
    }
}
