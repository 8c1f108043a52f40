import Foundation

/// Durable state of the coordinator: deletion requests, jobs and model versions.
///
/// The contract that makes restarts safe: `recordRequest` returns only once the request is durable (the
/// coordinator acknowledges *after* it returns), and every job update is durable before the next phase starts, so a
/// restarted coordinator resumes each unfinished job from its last recorded phase. `LetheLedger` implements it on
/// SQLite; `InMemoryJobStore` is the deterministic stand-in for tests.
public protocol JobStore: AnyObject {
    /// Stores a new request durably; throws `JobStoreError.duplicateRequest` if the id exists.
    func recordRequest(_ request: DeletionRequestRecord) throws
    func updateRequestState(id: String, to state: DeletionRequestRecord.RequestState) throws
    func request(id: String) throws -> DeletionRequestRecord?
    /// Every request, oldest first.
    func requests() throws -> [DeletionRequestRecord]

    /// Inserts or replaces a job (by id).
    func saveJob(_ job: JobRecord) throws
    func job(id: String) throws -> JobRecord?
    /// Every job, oldest first.
    func jobs() throws -> [JobRecord]
    /// Jobs neither published nor failed, oldest first (to resume after a restart).
    func unfinishedJobs() throws -> [JobRecord]

    func recordModelVersion(_ version: ModelVersionRecord) throws
    func latestModelVersion() throws -> ModelVersionRecord?

    /// Inserts or replaces the certificate of a request (one per request: the job that published for it).
    func recordCertificate(_ certificate: CertificateRecord) throws
    /// Every certificate, oldest first.
    func certificates() throws -> [CertificateRecord]
}

public enum JobStoreError: Error, Equatable, CustomStringConvertible {
    case duplicateRequest(String)
    case unknownRequest(String)
    case storage(String)

    public var description: String {
        switch self {
        case .duplicateRequest(let id): return "a deletion request with id \(id) already exists"
        case .unknownRequest(let id): return "no deletion request with id \(id)"
        case .storage(let detail): return "ledger storage failed: \(detail)"
        }
    }
}

/// A `JobStore` in memory: the same contract without durability, for tests and dry runs.
public final class InMemoryJobStore: JobStore {
    private var requestList: [DeletionRequestRecord] = []
    private var jobList: [JobRecord] = []
    private var versions: [ModelVersionRecord] = []
    private var certificateList: [CertificateRecord] = []

    public init() {}

    public func recordRequest(_ request: DeletionRequestRecord) throws {
        guard requestList.allSatisfy({ $0.id != request.id }) else { throw JobStoreError.duplicateRequest(request.id) }
        requestList.append(request)
    }

    public func updateRequestState(id: String, to state: DeletionRequestRecord.RequestState) throws {
        guard let index = requestList.firstIndex(where: { $0.id == id }) else { throw JobStoreError.unknownRequest(id) }
        requestList[index].state = state
    }

    public func request(id: String) throws -> DeletionRequestRecord? { requestList.first { $0.id == id } }
    public func requests() throws -> [DeletionRequestRecord] { requestList }

    public func saveJob(_ job: JobRecord) throws {
        if let index = jobList.firstIndex(where: { $0.id == job.id }) { jobList[index] = job } else { jobList.append(job) }
    }

    public func job(id: String) throws -> JobRecord? { jobList.first { $0.id == id } }
    public func jobs() throws -> [JobRecord] { jobList }
    public func unfinishedJobs() throws -> [JobRecord] { jobList.filter { !$0.isFinished } }

    public func recordModelVersion(_ version: ModelVersionRecord) throws { versions.append(version) }
    public func latestModelVersion() throws -> ModelVersionRecord? { versions.max { $0.version < $1.version } }

    public func recordCertificate(_ certificate: CertificateRecord) throws {
        if let index = certificateList.firstIndex(where: { $0.requestID == certificate.requestID }) {
            certificateList[index] = certificate
        } else {
            certificateList.append(certificate)
        }
    }

    public func certificates() throws -> [CertificateRecord] { certificateList }
}
