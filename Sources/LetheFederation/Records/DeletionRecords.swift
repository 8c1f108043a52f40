import Foundation

/// What a deletion request asks to forget.
public enum DeletionScope: Codable, Equatable, Sendable {
    /// Sample ids (stable ids of the client's data set) held by one client.
    case samples([Int])
    /// Every sample of a class, on every client that holds it.
    case wholeClass(Int)
    /// All of one client's data (the client then leaves the federation).
    case wholeClient
}

/// Why data is deleted, which decides what "forgotten" means (and so which WSS-CL reading the holders run).
public enum DeletionReason: String, Codable, CaseIterable, Sendable {
    /// A person's erasure request: the samples should look unseen, still classified as the rest of the data teaches.
    case privacy
    /// A poisoned or mislabelled contribution (a backdoor found after training): the model should stop answering
    /// the samples' labels where the rest of the data teaches otherwise. Sample ids or a whole client only.
    case poisoned
}

/// A person's deletion request as the coordinator accepted it. Written to the ledger *before* it is acknowledged.
public struct DeletionRequestRecord: Codable, Equatable, Sendable {
    public var id: String
    /// The client holding the data (for `.wholeClass`, the client that asked; may be empty).
    public var clientID: String
    public var scope: DeletionScope
    public var reason: DeletionReason
    public var receivedAt: Date
    public var state: RequestState

    public enum RequestState: String, Codable, Sendable {
        /// Durably recorded, acknowledged, not yet unlearned.
        case recorded
        /// An unlearning job is running for it.
        case running
        /// Unlearned and published.
        case done
        /// Refused (unknown client, empty selection, …); `reason` in the job says why.
        case rejected
    }

    public init(id: String, clientID: String, scope: DeletionScope, reason: DeletionReason = .privacy,
                receivedAt: Date, state: RequestState = .recorded) {
        self.id = id
        self.clientID = clientID
        self.scope = scope
        self.reason = reason
        self.receivedAt = receivedAt
        self.state = state
    }

    /// Why `reason` cannot apply to `scope`, or nil: a whole class has no labels to distrust, every sample of it
    /// is simply gone.
    public var reasonProblem: String? {
        if reason == .poisoned, case .wholeClass = scope {
            return "the poisoned reason applies to sample ids or a whole client, not to a class deletion"
        }
        return nil
    }
}

extension DeletionRequestRecord {
    private enum CodingKeys: String, CodingKey { case id, clientID, scope, reason, receivedAt, state }

    /// Records written before `reason` existed read as privacy requests, which is what they were.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), clientID: try c.decode(String.self, forKey: .clientID),
                  scope: try c.decode(DeletionScope.self, forKey: .scope),
                  reason: try c.decodeIfPresent(DeletionReason.self, forKey: .reason) ?? .privacy,
                  receivedAt: try c.decode(Date.self, forKey: .receivedAt),
                  state: try c.decode(RequestState.self, forKey: .state))
    }
}

/// The phases of one federated unlearning job, in order (ARCHITECTURE.md "Data flow of one federated deletion").
public enum JobPhase: String, Codable, CaseIterable, Comparable, Sendable {
    case requested, saliency, mask, forgetting, statistics, contrastive, verification, published, failed

    public static func < (a: JobPhase, b: JobPhase) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One unlearning job: its progress, what it produced, and how long each phase took.
public struct JobRecord: Codable, Equatable, Sendable {
    public var id: String
    public var requestID: String
    public var phase: JobPhase
    /// Model version the job started from, and the one it published.
    public var baseModelVersion: UInt64
    public var publishedModelVersion: UInt64?
    /// SHA-256 (hex) of the flat weights before and after.
    public var modelHashBefore: String
    public var modelHashAfter: String?
    /// Seconds spent in each finished phase, by phase name.
    public var phaseSeconds: [String: Double]
    /// Bytes sent and received per phase, by phase name.
    public var phaseBytes: [String: UInt64]
    /// The method configuration as JSON text.
    public var configurationJSON: String
    /// Verification figures reported by the clients, as JSON text (nil until verified).
    public var metricsJSON: String?
    /// Why the job failed, when it did.
    public var failureReason: String?
    public var updatedAt: Date

    public init(id: String, requestID: String, phase: JobPhase = .requested, baseModelVersion: UInt64,
                modelHashBefore: String, configurationJSON: String, updatedAt: Date) {
        self.id = id
        self.requestID = requestID
        self.phase = phase
        self.baseModelVersion = baseModelVersion
        self.modelHashBefore = modelHashBefore
        self.phaseSeconds = [:]
        self.phaseBytes = [:]
        self.configurationJSON = configurationJSON
        self.updatedAt = updatedAt
    }

    public var isFinished: Bool { phase == .published || phase == .failed }
}

/// A published model version.
public struct ModelVersionRecord: Codable, Equatable, Sendable {
    public var version: UInt64
    /// SHA-256 (hex) of the flat little-endian float32 weights.
    public var sha256: String
    /// Where the weights are stored (a safetensors file), if kept.
    public var path: String?
    /// "fedavg round 7", "unlearning job J", …
    public var origin: String
    public var createdAt: Date

    public init(version: UInt64, sha256: String, path: String?, origin: String, createdAt: Date) {
        self.version = version
        self.sha256 = sha256
        self.path = path
        self.origin = origin
        self.createdAt = createdAt
    }
}
