import Foundation
import LetheFederation
@testable import LetheCoordinator

/// Ledger records of one published job, and a scratch folder, for the certificate tests.
enum CertificateFixtures {
    /// Ids and a client name with characters a canonical encoding must escape or pass through as UTF-8.
    static let forgetIDs = [17, 3, 4, 3]
    static let request = DeletionRequestRecord(id: "r-1/ü", clientID: "client \"0\"\tü", scope: .samples(forgetIDs),
                                               reason: .poisoned,
                                               receivedAt: Date(timeIntervalSinceReferenceDate: 818_000_000.25))

    /// A published job's record. Its JSON texts are key-sorted, so every call returns the same record (a
    /// coordinator records them once; unsorted keys would differ between calls).
    static var job: JobRecord {
        var configuration = FederationConfiguration()
        configuration.training.rounds = 3
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(data: try! encoder.encode(configuration), encoding: .utf8)!
        var job = JobRecord(id: "r-1/ü-job1", requestID: request.id, phase: .published, baseModelVersion: 5,
                            modelHashBefore: String(repeating: "ab", count: 32), configurationJSON: text,
                            updatedAt: Date(timeIntervalSinceReferenceDate: 818_000_100.5))
        job.publishedModelVersion = 7
        job.modelHashAfter = String(repeating: "cd", count: 32)
        job.phaseSeconds = ["saliency": 0.5, "forgetting": 2.25, "verification": 0.125]
        let metrics = JobMetrics(ua: 95.666, ra: 88.65, ta: 87.25, mia: 99.67, forgetSamples: 3, retainSamples: 2997,
                                 testSamples: 500, reports: 4)
        job.metricsJSON = String(data: try! encoder.encode(metrics), encoding: .utf8)
        return job
    }

    static func certificate(key: SigningKey) throws -> DeletionCertificate {
        try CertificateBuilder.certificate(request: request, job: job, coordinator: "coordinator", key: key,
                                           modelFile: "/run/coordinator/model-v7.safetensors")
    }

    static func signedFile(key: SigningKey) throws -> Data {
        try SignedCertificate(signing: try certificate(key: key), with: key).fileData()
    }

    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-certificates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A safetensors file of two float32 tensors filling its data section, as Lethe writes models.
    static func modelFile(_ weights: [Float], at url: URL) throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[\#(weights.count - 2)],"data_offsets":[8,\#(weights.count * 4)]}}"#
        var file = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(Data(header.utf8))
        weights.withUnsafeBytes { file.append(contentsOf: $0) }
        try file.write(to: url)
    }
}
