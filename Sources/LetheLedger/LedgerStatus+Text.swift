import Foundation

/// The human and machine forms of `LedgerStatus`: an aligned text table and JSON with ISO 8601 times.
extension LedgerStatus {
    /// Hashes are shown to this many hex digits (enough to tell versions apart by eye; JSON keeps them whole).
    public static let shortHashLength = 12

    /// One line per job (a request without a job yet gets one line), then the phase breakdown and any failure
    /// reason indented beneath it.
    public func table() -> String {
        let header = ["REQUEST", "CLIENT", "SCOPE", "STATE", "JOB", "PHASE", "VERSIONS", "SECONDS",
                      "HASH BEFORE→AFTER"]
        var rows: [[String]] = []
        var notes: [Int: [String]] = [:]
        for request in requests {
            let left = [request.id, request.clientID.isEmpty ? "—" : request.clientID, request.scopeSummary,
                        request.state]
            if request.jobs.isEmpty { rows.append(left + ["—", "—", "—", "—", "—"]) }
            for job in request.jobs {
                rows.append(left + Self.cells(job))
                notes[rows.count - 1] = Self.notes(job)
                if let certificate = request.certificate, certificate.jobID == job.id {
                    notes[rows.count - 1, default: []].append(
                        "certificate: \(certificate.path) (SHA-256 \(Self.short(certificate.sha256)))")
                }
            }
        }
        for job in unattachedJobs {
            rows.append([job.requestID + " (missing)", "—", "—", "—"] + Self.cells(job))
            notes[rows.count - 1] = Self.notes(job)
        }
        var lines = ["ledger \(ledgerPath): \(requests.count) request(s), "
            + "\(requests.reduce(0) { $0 + $1.jobs.count } + unattachedJobs.count) job(s), latest model "
            + (latestModelVersion.map { "v\($0) \(Self.short(latestModelSHA256))" } ?? "none")]
        if let live = coordinator {
            lines.append("coordinator \(live.endpoint): \(live.activity); serving v\(live.modelVersion); "
                + "\(live.connectedClients.count) client(s) connected"
                + (live.connectedClients.isEmpty ? "" : " (\(live.connectedClients.joined(separator: ", ")))"))
        }
        guard !rows.isEmpty else { return (lines + ["no deletion requests recorded"]).joined(separator: "\n") }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        lines.append(Self.line(header, widths))
        for (index, row) in rows.enumerated() {
            lines.append(Self.line(row, widths))
            lines += (notes[index] ?? []).map { "    " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// Pretty, key-sorted JSON; times as ISO 8601 so scripts need no knowledge of Foundation's reference date.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// The inverse of `json()`: what a coordinator sends in a StatusReport, or a file `lethe status --json` wrote.
    public static func decode(json data: Data) throws -> LedgerStatus {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(LedgerStatus.self, from: data)
    }

    static func cells(_ job: JobStatus) -> [String] {
        let versions = "v\(job.baseModelVersion)→" + (job.publishedModelVersion.map { "v\($0)" } ?? "—")
        let hashes = short(job.modelHashBefore) + "→" + short(job.modelHashAfter)
        return [job.id, job.phase, versions, String(format: "%.1f", job.totalSeconds), hashes]
    }

    static func notes(_ job: JobStatus) -> [String] {
        var notes: [String] = []
        if !job.phaseSeconds.isEmpty {
            notes.append("phases: " + job.phaseSeconds.map { "\($0.phase) " + String(format: "%.2fs", $0.seconds) }
                .joined(separator: ", "))
        }
        if let reason = job.failureReason { notes.append("failed: " + reason) }
        return notes
    }

    static func short(_ hash: String?) -> String {
        guard let hash, !hash.isEmpty else { return "—" }
        return String(hash.prefix(shortHashLength))
    }

    static func line(_ cells: [String], _ widths: [Int]) -> String {
        zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
}
