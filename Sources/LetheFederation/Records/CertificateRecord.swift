import Foundation

/// A deletion certificate the coordinator issued: where it is and the SHA-256 of its file, so the ledger can
/// vouch for the exact file it handed out (`lethe status` shows it) and a restarted coordinator knows which
/// published jobs still lack one.
public struct CertificateRecord: Codable, Equatable, Sendable {
    public var requestID: String
    public var jobID: String
    /// SHA-256 (hex) of the certificate file's bytes.
    public var sha256: String
    public var path: String
    public var issuedAt: Date

    public init(requestID: String, jobID: String, sha256: String, path: String, issuedAt: Date) {
        self.requestID = requestID
        self.jobID = jobID
        self.sha256 = sha256
        self.path = path
        self.issuedAt = issuedAt
    }
}
