import Foundation

/// What a deletion certificate states: which request was served, on which model, by which method and configuration,
/// what the clients measured afterwards, how long it took, and which ledger records hold it. Everything in it comes
/// from the ledger's durable records (`CertificateBuilder`), so issuing it again gives the same bytes.
///
/// Figures are decimal strings ("93.21") and versions integers: a certificate holds no floating-point numbers, which
/// is what makes its canonical form (`CanonicalJSON`) the same in every language.
public struct DeletionCertificate: Codable, Equatable, Sendable {
    public static let currentFormat = "lethe-deletion-certificate/1"

    public var format: String
    public var issuer: Issuer
    /// When the job's publication was recorded (ISO 8601, UTC).
    public var issuedAt: String
    public var request: Request
    public var model: Model
    public var method: Method
    /// The figures the clients reported in the verification phase; nil when the job recorded none.
    public var verification: Verification?
    public var timings: Timings
    public var ledger: LedgerRecords

    public struct Issuer: Codable, Equatable, Sendable {
        /// The coordinator's node id.
        public var coordinator: String
        /// `PublicSigningKey.keyID` of the key that signed.
        public var keyID: String
    }

    public struct Request: Codable, Equatable, Sendable {
        public var id: String
        /// The client holding the data (for a class deletion, the client that asked; may be empty).
        public var client: String
        /// "samples", "class" or "client".
        public var scope: String
        /// For "class": the class deleted.
        public var classLabel: Int?
        /// "privacy" or "poisoned".
        public var reason: String
        public var receivedAt: String
        /// For "samples": the commitment to the ids (never the ids themselves).
        public var forgetIDs: ForgetIDCommitment?
    }

    public struct Model: Codable, Equatable, Sendable {
        public var before: Version
        public var after: Version
        /// The after-model's file name in the coordinator's output folder.
        public var file: String?
    }

    public struct Version: Codable, Equatable, Sendable {
        public var version: UInt64
        /// SHA-256 (hex) of the flat little-endian float32 weights (the safetensors data section).
        public var sha256: String
    }

    public struct Method: Codable, Equatable, Sendable {
        public var name: String
        /// The WSS-CL reading the holders ran for this request (sample, class or poisoned), as JSON text.
        public var resolvedConfiguration: String
        /// The coordinator's whole federation configuration as the job recorded it, JSON text.
        public var federationConfiguration: String
    }

    public struct Verification: Codable, Equatable, Sendable {
        /// Accuracies in percent, two decimals: on the forgotten samples, the retained data, the test data; and
        /// the MIA-efficacy on the forgotten samples.
        public var ua: String, ra: String, ta: String, mia: String
        public var forgetSamples: UInt64, retainSamples: UInt64, testSamples: UInt64
        /// How many clients reported.
        public var reports: Int
        /// Where the deleted samples carried a canary: its attack success rate in percent (two decimals), measured
        /// by the holder on that many triggered test images of its own.
        public var asr: String?
        public var canarySamples: UInt64?
    }

    public struct Timings: Codable, Equatable, Sendable {
        /// Seconds per phase, three decimals.
        public var phaseSeconds: [String: String]
        public var totalSeconds: String
    }

    public struct LedgerRecords: Codable, Equatable, Sendable {
        public var requestID: String
        public var jobID: String
        /// The `model_versions` rows before and after.
        public var modelVersions: [UInt64]
    }
}

/// A certificate with its Ed25519 signature over the certificate's canonical bytes.
///
/// The file (`certificates/<request-id>.json`) is `{"certificate": {…}, "signature": {"algorithm": "Ed25519",
/// "keyID": …, "publicKey": hex, "value": hex}}`. The signature covers `CanonicalJSON` of the "certificate" member
/// only, so the file may be re-indented without breaking it, but no value inside can change.
public struct SignedCertificate: Equatable, Sendable {
    public static let algorithm = "Ed25519"

    public var certificate: DeletionCertificate
    public var publicKey: PublicSigningKey
    public var signature: Data

    /// Signs `certificate` with `key`.
    public init(signing certificate: DeletionCertificate, with key: SigningKey) throws {
        self.certificate = certificate
        publicKey = key.publicKey
        signature = try key.signature(for: try CanonicalJSON(encoding: certificate).bytes)
    }

    init(certificate: DeletionCertificate, publicKey: PublicSigningKey, signature: Data) {
        (self.certificate, self.publicKey, self.signature) = (certificate, publicKey, signature)
    }

    /// The file's bytes: pretty, key-sorted JSON.
    public func fileData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(FileLayout(certificate: certificate, signature: FileLayout.Signature(
            algorithm: Self.algorithm, keyID: publicKey.keyID, publicKey: publicKey.hex, value: Hex.encode(signature))))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    struct FileLayout: Codable {
        var certificate: DeletionCertificate
        var signature: Signature

        struct Signature: Codable {
            var algorithm: String
            var keyID: String
            var publicKey: String
            var value: String
        }
    }
}
