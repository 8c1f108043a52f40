import Foundation
import LetheFederation
import LetheWire

/// Deletion certificates (`Certificates/`): one per request whose job published, signed with the coordinator's
/// key and written to `certificates/<request-id>.json` in the output folder, its SHA-256 recorded in the ledger.
///
/// Certifying is the step after publication, so a coordinator can stop between the two. The certificate is built
/// from the ledger's records only and Ed25519 is deterministic, so the restarted coordinator issues the missing
/// certificate at start, byte-for-byte the one it would have written.
extension CoordinatorNode {
    /// The public key's file beside the models: what `lethe certificate verify` trusts by default.
    public static let publicKeyFileName = "signing-key.pub.pem"
    public static let certificateFolderName = "certificates"

    /// Where the certificate of `requestID` is written.
    public static func certificateURL(in outputDirectory: URL, requestID: String) -> URL {
        outputDirectory.appendingPathComponent(certificateFolderName)
            .appendingPathComponent(requestID.replacingOccurrences(of: "/", with: "_") + ".json")
    }

    /// Writes the signing key's public half beside the models, unless the file already holds it.
    func publishSigningKey() throws {
        guard let key = configuration.signingKey else { return }
        let url = configuration.outputDirectory.appendingPathComponent(Self.publicKeyFileName)
        let pem = Data(key.publicKey.pem.utf8)
        if FileManager.default.contents(atPath: url.path) == pem { return }
        try DurableFile.replace(url, with: pem)
        log("certificates are signed with Ed25519 key \(key.publicKey.keyID) (public key: \(url.path))")
    }

    /// Certifies every published job whose request has no certificate in the store yet.
    func certifyUncertifiedJobs() throws {
        guard configuration.signingKey != nil else { return }
        let certified = Set(try store.certificates().map(\.requestID))
        for job in try store.jobs() where job.phase == .published && !certified.contains(job.requestID) {
            log("job \(job.id) published without a certificate (stopped in between); issuing it now")
            certify(jobID: job.id)
        }
    }

    /// Builds, signs and durably writes the certificate of a published job, then records its hash. A failure is
    /// logged and left for the next start, which issues it again; it never stops the node.
    func certify(jobID: String) {
        guard let key = configuration.signingKey else { return }
        do {
            guard let job = try store.job(id: jobID), let request = try store.request(id: job.requestID) else {
                log("certificate for job \(jobID): the store does not hold the job and its request")
                return
            }
            let modelFile = job.publishedModelVersion.map { archive.fileURL(version: $0).path }
            let certificate = try CertificateBuilder.certificate(request: request, job: job,
                                                                 coordinator: configuration.nodeID, key: key,
                                                                 modelFile: modelFile)
            let data = try SignedCertificate(signing: certificate, with: key).fileData()
            let url = Self.certificateURL(in: configuration.outputDirectory, requestID: request.id)
            try DurableFile.replace(url, with: data)
            try store.recordCertificate(CertificateRecord(requestID: request.id, jobID: job.id,
                                                          sha256: SHA256.hex(data), path: url.path,
                                                          issuedAt: job.updatedAt))
            log("request \(request.id): deletion certificate \(url.path) (SHA-256 \(SHA256.hex(data).prefix(16))…)")
        } catch {
            log("certificate for job \(jobID) not issued: \(error); it is issued again at the next start")
        }
    }
}
