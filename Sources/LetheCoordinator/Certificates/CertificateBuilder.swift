import Foundation
import LetheFederation

/// Builds a job's certificate from the ledger's records alone: the request, the published job (its versions,
/// hashes, configuration, metrics and per-phase seconds). Nothing is taken from memory or the clock, so a
/// coordinator that stopped between publishing and certifying issues the same certificate after its restart.
public enum CertificateBuilder {
    /// The certificate of `job`, which served `request` and published a model.
    /// - Throws: `CertificateError.malformed` when the job is not a published job of this request.
    public static func certificate(request: DeletionRequestRecord, job: JobRecord, coordinator: String,
                                   key: SigningKey, modelFile: String?) throws -> DeletionCertificate {
        guard job.requestID == request.id else {
            throw CertificateError.malformed("job \(job.id) serves request \(job.requestID), not \(request.id)")
        }
        guard job.phase == .published, let after = job.publishedModelVersion, let afterHash = job.modelHashAfter else {
            throw CertificateError.malformed("job \(job.id) has not published a model (phase \(job.phase.rawValue))")
        }
        let total = job.phaseSeconds.values.reduce(0, +)
        return DeletionCertificate(
            format: DeletionCertificate.currentFormat,
            issuer: .init(coordinator: coordinator, keyID: key.publicKey.keyID),
            issuedAt: timestamp(job.updatedAt),
            request: requestPart(request, key: key),
            model: .init(before: .init(version: job.baseModelVersion, sha256: job.modelHashBefore),
                         after: .init(version: after, sha256: afterHash),
                         file: modelFile.map { ($0 as NSString).lastPathComponent }),
            method: try methodPart(job, request: request),
            verification: verificationPart(job),
            timings: .init(phaseSeconds: job.phaseSeconds.mapValues(seconds), totalSeconds: seconds(total)),
            ledger: .init(requestID: request.id, jobID: job.id, modelVersions: [job.baseModelVersion, after]))
    }

    static func requestPart(_ request: DeletionRequestRecord, key: SigningKey) -> DeletionCertificate.Request {
        var part = DeletionCertificate.Request(id: request.id, client: request.clientID, scope: "client",
                                               reason: request.reason.rawValue,
                                               receivedAt: timestamp(request.receivedAt))
        switch request.scope {
        case .samples(let ids):
            part.scope = "samples"
            part.forgetIDs = ForgetIDCommitment(ids: ids, salt: ForgetIDCommitment.salt(for: request.id, key: key))
        case .wholeClass(let label):
            (part.scope, part.classLabel) = ("class", label)
        case .wholeClient:
            break
        }
        return part
    }

    static func methodPart(_ job: JobRecord, request: DeletionRequestRecord) throws -> DeletionCertificate.Method {
        guard let federation = try? JSONDecoder().decode(FederationConfiguration.self,
                                                         from: Data(job.configurationJSON.utf8)) else {
            throw CertificateError.malformed("job \(job.id): its recorded configuration is not readable")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let resolved = federation.unlearning.resolved(for: request.scope, reason: request.reason)
        let text = (try? encoder.encode(resolved)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        return .init(name: "wss-cl", resolvedConfiguration: text, federationConfiguration: job.configurationJSON)
    }

    static func verificationPart(_ job: JobRecord) -> DeletionCertificate.Verification? {
        guard let text = job.metricsJSON,
              let metrics = try? JSONDecoder().decode(JobMetrics.self, from: Data(text.utf8)) else { return nil }
        func percent(_ value: Double) -> String { String(format: "%.2f", value) }
        return .init(ua: percent(metrics.ua), ra: percent(metrics.ra), ta: percent(metrics.ta), mia: percent(metrics.mia),
                     forgetSamples: metrics.forgetSamples, retainSamples: metrics.retainSamples,
                     testSamples: metrics.testSamples, reports: metrics.reports, asr: metrics.asr.map(percent),
                     canarySamples: metrics.canarySamples)
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
