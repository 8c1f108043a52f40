import Foundation
import LetheFederation
import LetheWire
import Testing
@testable import LetheCoordinator

/// The coordinator's side of deletion certificates: each published job leaves one, it verifies against the
/// published key, the model and the ids, and a coordinator stopped before certifying issues it at its next start.
@Suite(.serialized) struct CoordinatorCertificateTests {
    /// Reads and verifies the certificate of `requestID` in `h`'s output folder against the published public key.
    static func verified(_ h: Harness, _ requestID: String) throws -> (SignedCertificate, Data) {
        let data = try Data(contentsOf: CoordinatorNode.certificateURL(in: h.output, requestID: requestID))
        let trusted = try PublicSigningKey.load(
            path: h.output.appendingPathComponent(CoordinatorNode.publicKeyFileName).path)
        return (try CertificateVerifier.verify(data, trusting: trusted), data)
    }

    @Test func aFinishedJobLeavesACertificateThatVerifiesAgainstTheModelAndTheIDs() throws {
        let key = SigningKey.generate()
        let h = try Harness(signingKey: key)
        try h.startJob()  // ids 3 and 4 of c0
        try h.pump()
        let (signed, data) = try Self.verified(h, "r1")
        let certificate = signed.certificate
        #expect(signed.publicKey == key.publicKey)
        #expect(certificate.request.id == "r1" && certificate.request.client == "c0" && certificate.request.scope == "samples")
        #expect(certificate.model.after.version == 4 && certificate.model.before.version == 2)
        let model = h.output.appendingPathComponent("model-v4.safetensors").path
        try CertificateVerifier.checkModel(certificate, weightsSHA256: try CertificateVerifier.weightsSHA256(ofModelAt: model),
                                           path: model)
        try CertificateVerifier.checkIDs(certificate, ids: [4, 3], path: "ids")
        #expect(throws: CertificateError.self) { try CertificateVerifier.checkIDs(certificate, ids: [3], path: "ids") }
        #expect(certificate.verification?.reports == 3)
        let record = try #require(try h.store.certificates().first)
        #expect(record.requestID == "r1" && record.sha256 == SHA256.hex(data))
        #expect(h.lines.all.contains { $0.contains("deletion certificate") })
    }

    /// Published, then stopped before the certificate: the next start issues it from the ledger alone.
    @Test func aJobPublishedWithoutACertificateIsCertifiedAtTheNextStart() throws {
        let store = InMemoryJobStore()
        let first = try Harness(store: store)  // a coordinator that stops before certifying: no key
        try first.startJob()
        try first.pump()
        #expect(try store.certificates().isEmpty)
        first.node.transport.close()

        let second = try Harness(store: store, output: first.output, signingKey: .generate())
        let (signed, _) = try Self.verified(second, "r1")
        #expect(signed.certificate.ledger.jobID == (try store.jobs().first?.id))
        #expect(try store.certificates().map(\.requestID) == ["r1"])
        #expect(second.lines.all.contains { $0.contains("published without a certificate") })
    }

    /// Killed after publishing, before the job was saved as published: the resumed job records its completion and
    /// certifies it.
    @Test func aJobKilledAfterPublishingIsCertifiedWhenItsCompletionIsRecorded() throws {
        let store = KilledAfterPublishing()
        let key = SigningKey.generate()
        let first = try Harness(store: store, signingKey: key)
        try first.startJob()
        #expect(throws: KilledAfterPublishing.Kill.self) { try first.pump() }
        #expect(try store.certificates().isEmpty)
        first.node.transport.close()
        store.armed = false
        let second = try Harness(store: store, output: first.output, signingKey: key)
        try second.connectClients()
        try second.pump()
        let (signed, _) = try Self.verified(second, "r1")
        #expect(signed.certificate.model.after.version == 4)
        #expect(try store.certificates().count == 1)
    }
}
