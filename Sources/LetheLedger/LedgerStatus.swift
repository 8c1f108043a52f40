import Foundation
import GRDB
import LetheFederation

/// What `lethe status` shows: every request with its jobs, read from one snapshot of the ledger.
///
/// One snapshot matters because the coordinator may be writing while status reads: reading requests and jobs in
/// separate transactions could show a job whose request is not listed yet. Encoded as JSON with snake_case keys.
public struct LedgerStatus: Codable, Equatable, Sendable {
    public var ledgerPath: String
    public var requests: [RequestStatus]
    /// Jobs whose request is not in the ledger (should not happen; shown rather than hidden).
    public var unattachedJobs: [JobStatus]
    public var latestModelVersion: UInt64?
    public var latestModelSHA256: String?
    /// What the running coordinator said beside its ledger, when status was read over its socket (absent when read
    /// from the ledger file).
    public var coordinator: LiveCoordinatorStatus?

    enum CodingKeys: String, CodingKey {
        case requests, coordinator
        case ledgerPath = "ledger_path", unattachedJobs = "unattached_jobs"
        case latestModelVersion = "latest_model_version", latestModelSHA256 = "latest_model_sha256"
    }
}

/// The part of a status only the coordinator process knows: where it answered, what it is doing, who is connected.
public struct LiveCoordinatorStatus: Codable, Equatable, Sendable {
    public var endpoint: String
    public var activity: String
    public var modelVersion: UInt64
    public var connectedClients: [String]

    public init(endpoint: String, activity: String, modelVersion: UInt64, connectedClients: [String]) {
        (self.endpoint, self.activity, self.modelVersion, self.connectedClients)
            = (endpoint, activity, modelVersion, connectedClients)
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, activity
        case modelVersion = "model_version", connectedClients = "connected_clients"
    }
}

/// One deletion request and the jobs that served it (oldest first; usually one).
public struct RequestStatus: Codable, Equatable, Sendable {
    public var id: String
    public var clientID: String
    /// "samples", "class" or "client".
    public var scopeKind: String
    /// The sample ids, for a `samples` scope.
    public var sampleIDs: [Int]?
    /// The class, for a `class` scope.
    public var classLabel: Int?
    /// "privacy" or "poisoned" (`DeletionReason`).
    public var reason: String
    public var state: String
    public var receivedAt: Date
    public var jobs: [JobStatus]
    /// The deletion certificate issued for it (`certificates/<request-id>.json`), once its job published.
    public var certificate: CertificateStatus?

    /// A short human form of the scope: "3 samples", "class 4", "whole client", with "(poisoned)" after a
    /// poisoned contribution's (privacy is the usual reason and goes unsaid).
    public var scopeSummary: String {
        let scope = switch scopeKind {
        case "samples": "\(sampleIDs?.count ?? 0) samples"
        case "class": "class \(classLabel.map(String.init) ?? "?")"
        default: "whole client"
        }
        return reason == DeletionReason.privacy.rawValue ? scope : scope + " (\(reason))"
    }

    enum CodingKeys: String, CodingKey {
        case id, state, jobs, reason
        case clientID = "client_id", scopeKind = "scope", sampleIDs = "sample_ids", classLabel = "class"
        case receivedAt = "received_at", certificate
    }

    init(_ request: DeletionRequestRecord, jobs: [JobStatus], certificate: CertificateRecord? = nil) {
        id = request.id
        clientID = request.clientID
        switch request.scope {
        case .samples(let ids): scopeKind = "samples"; sampleIDs = ids
        case .wholeClass(let label): scopeKind = "class"; classLabel = label
        case .wholeClient: scopeKind = "client"
        }
        reason = request.reason.rawValue
        state = request.state.rawValue
        receivedAt = request.receivedAt
        self.jobs = jobs
        self.certificate = certificate.map(CertificateStatus.init)
    }
}

/// A certificate as status shows it: the file and the SHA-256 the ledger recorded for it when it was issued.
public struct CertificateStatus: Codable, Equatable, Sendable {
    public var path: String
    public var sha256: String
    public var jobID: String
    public var issuedAt: Date

    enum CodingKeys: String, CodingKey {
        case path, sha256
        case jobID = "job_id", issuedAt = "issued_at"
    }

    init(_ record: CertificateRecord) {
        (path, sha256, jobID, issuedAt) = (record.path, record.sha256, record.jobID, record.issuedAt)
    }
}

/// One unlearning job as status reports it: phase, versions, per-phase seconds, hashes, failure.
public struct JobStatus: Codable, Equatable, Sendable {
    public var id: String
    public var requestID: String
    public var phase: String
    public var baseModelVersion: UInt64
    public var publishedModelVersion: UInt64?
    public var modelHashBefore: String
    public var modelHashAfter: String?
    /// Seconds per finished phase, listed in the job's phase order.
    public var phaseSeconds: [PhaseSeconds]
    public var totalSeconds: Double
    public var phaseBytes: [String: UInt64]
    public var metricsJSON: String?
    public var failureReason: String?
    public var updatedAt: Date

    public struct PhaseSeconds: Codable, Equatable, Sendable {
        public var phase: String
        public var seconds: Double
    }

    enum CodingKeys: String, CodingKey {
        case id, phase
        case requestID = "request_id", baseModelVersion = "base_model_version"
        case publishedModelVersion = "published_model_version", modelHashBefore = "model_hash_before"
        case modelHashAfter = "model_hash_after", phaseSeconds = "phase_seconds", totalSeconds = "total_seconds"
        case phaseBytes = "phase_bytes", metricsJSON = "metrics_json", failureReason = "failure_reason"
        case updatedAt = "updated_at"
    }

    init(_ job: JobRecord) {
        id = job.id
        requestID = job.requestID
        phase = job.phase.rawValue
        baseModelVersion = job.baseModelVersion
        publishedModelVersion = job.publishedModelVersion
        modelHashBefore = job.modelHashBefore
        modelHashAfter = job.modelHashAfter
        phaseSeconds = Self.ordered(job.phaseSeconds)
        totalSeconds = job.phaseSeconds.values.reduce(0, +)
        phaseBytes = job.phaseBytes
        metricsJSON = job.metricsJSON
        failureReason = job.failureReason
        updatedAt = job.updatedAt
    }

    /// Known phases in protocol order, then any other names alphabetically (a newer coordinator's phases).
    static func ordered(_ seconds: [String: Double]) -> [PhaseSeconds] {
        let rank = Dictionary(uniqueKeysWithValues: JobPhase.allCases.enumerated().map { ($1.rawValue, $0) })
        return seconds.sorted { a, b in
            let (ra, rb) = (rank[a.key] ?? Int.max, rank[b.key] ?? Int.max)
            return ra != rb ? ra < rb : a.key < b.key
        }.map { PhaseSeconds(phase: $0.key, seconds: $0.value) }
    }
}

extension LedgerStatus {
    /// Groups jobs under their requests (both oldest first).
    public init(ledgerPath: String, requests: [DeletionRequestRecord], jobs: [JobRecord],
                latest: ModelVersionRecord?, certificates: [CertificateRecord] = []) {
        let byRequest = Dictionary(grouping: jobs, by: \.requestID)
        let certificateOf = Dictionary(certificates.map { ($0.requestID, $0) }) { $1 }
        let known = Set(requests.map(\.id))
        self.ledgerPath = ledgerPath
        self.requests = requests.map {
            RequestStatus($0, jobs: (byRequest[$0.id] ?? []).map(JobStatus.init), certificate: certificateOf[$0.id])
        }
        unattachedJobs = jobs.filter { !known.contains($0.requestID) }.map(JobStatus.init)
        latestModelVersion = latest?.version
        latestModelSHA256 = latest?.sha256
    }
}

extension Ledger {
    /// Everything `lethe status` shows, from one read transaction (consistent while the coordinator writes).
    public func status() throws -> LedgerStatus {
        try read("read the ledger status") { db in
            LedgerStatus(ledgerPath: path, requests: try Self.requests(db), jobs: try Self.jobs(db),
                         latest: try Self.latestModelVersion(db), certificates: try Self.certificates(db))
        }
    }
}
