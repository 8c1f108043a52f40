import Foundation
import LetheFederation
import LetheWire
import Testing
@testable import LetheCoordinator

@Suite struct CertificateTests {
    let key = SigningKey.generate()

    @Test func aSignedCertificateVerifiesAndReadsBackWhole() throws {
        let certificate = try CertificateFixtures.certificate(key: key)
        let signed = try CertificateVerifier.verify(try CertificateFixtures.signedFile(key: key), trusting: key.publicKey)
        #expect(signed.certificate == certificate)
        #expect(certificate.request.forgetIDs?.count == 3)  // 17, 3, 4 (3 twice)
        #expect(certificate.verification?.ua == "95.67" && certificate.verification?.reports == 4)
        #expect(certificate.timings.totalSeconds == "2.875" && certificate.timings.phaseSeconds["forgetting"] == "2.250")
        #expect(certificate.model.after == .init(version: 7, sha256: String(repeating: "cd", count: 32)))
        #expect(certificate.model.file == "model-v7.safetensors")
        #expect(certificate.ledger.modelVersions == [5, 7])
        #expect(certificate.method.resolvedConfiguration.contains("forgettingEpochs"))
        #expect(certificate.issuer.keyID == key.publicKey.keyID)
    }

    /// Issuing again (a restarted coordinator) gives the same bytes: the salt comes from the key, Ed25519 is
    /// deterministic, and every field comes from the records.
    @Test func issuingTwiceGivesTheSameBytes() throws {
        #expect(try CertificateFixtures.signedFile(key: key) == CertificateFixtures.signedFile(key: key))
    }

    /// Every single-byte change of the file is rejected: a value changed, the JSON broken, a key renamed, or a
    /// signature or public-key digit changed (hex, so no digit is insignificant).
    @Test func everyOneByteFlipOfTheFileIsRejected() throws {
        let file = try CertificateFixtures.signedFile(key: key)
        var accepted: [Int] = []
        for index in file.indices {
            for mask: UInt8 in [0x01, 0x20] {
                var damaged = file
                damaged[index] ^= mask
                if (try? CertificateVerifier.verify(damaged, trusting: key.publicKey)) != nil { accepted.append(index) }
            }
        }
        #expect(accepted.isEmpty, "accepted after flipping bytes \(accepted.prefix(10)) of \(file.count)")
    }

    @Test func aChangedValueIsReportedAsAChangeAfterSigning() throws {
        let file = String(data: try CertificateFixtures.signedFile(key: key), encoding: .utf8)!
        let damaged = Data(file.replacingOccurrences(of: "\"ua\" : \"95.67\"", with: "\"ua\" : \"15.67\"").utf8)
        #expect(damaged != Data(file.utf8))
        #expect(throws: CertificateError.signature("the Ed25519 signature does not match the certificate's contents: "
            + "they were changed after signing")) {
            try CertificateVerifier.verify(damaged, trusting: key.publicKey)
        }
    }

    @Test func aCertificateSignedByAnotherKeyIsRejected() throws {
        let other = SigningKey.generate()
        let file = try CertificateFixtures.signedFile(key: other)
        #expect(throws: CertificateError.self) { try CertificateVerifier.verify(file, trusting: key.publicKey) }
        do {
            _ = try CertificateVerifier.verify(file, trusting: key.publicKey)
        } catch let error as CertificateError {
            #expect("\(error)".contains("not by the trusted key \(key.publicKey.keyID)"))
        }
        // Another key's signature presented under the trusted key's name fails the signature itself.
        var forged = try CertificateVerifier.read(file)
        forged.certificate.issuer.keyID = key.publicKey.keyID
        let relabelled = try SignedCertificate(certificate: forged.certificate, publicKey: key.publicKey,
                                               signature: other.signature(for: CanonicalJSON(encoding: forged.certificate).bytes))
        #expect(throws: CertificateError.self) {
            try CertificateVerifier.verify(try relabelled.fileData(), trusting: key.publicKey)
        }
    }

    @Test func anotherFormatOrAnExtraMemberIsRefused() throws {
        var certificate = try CertificateFixtures.certificate(key: key)
        certificate.format = "lethe-deletion-certificate/9"
        let file = try SignedCertificate(signing: certificate, with: key).fileData()
        #expect(throws: CertificateError.malformed("format \"lethe-deletion-certificate/9\"; this lethe reads "
            + "lethe-deletion-certificate/1")) { try CertificateVerifier.read(file) }
        let text = String(data: try CertificateFixtures.signedFile(key: key), encoding: .utf8)!
        let extra = text.replacingOccurrences(of: "\"format\" :", with: "\"note\" : \"x\", \"format\" :")
        #expect(throws: CertificateError.malformed("the certificate holds members this format does not define")) {
            try CertificateVerifier.read(Data(extra.utf8))
        }
        #expect(throws: CertificateError.self) { try CertificateVerifier.read(Data("{\"certificate\": 1.5}".utf8)) }
        #expect(throws: CertificateError.self) { try CertificateVerifier.read(Data(text.utf8).prefix(200)) }
    }

    @Test func theIDCommitmentBindsTheSetInAnyOrder() throws {
        let salt = "00112233445566778899aabbccddeeff"
        let commitment = ForgetIDCommitment(ids: [17, 4, 3, 4], salt: salt)
        // hashlib.sha256(b"lethe-forget-ids/1\n00112233445566778899aabbccddeeff\n3\n4\n17\n").hexdigest()
        #expect(commitment.sha256 == "b5b033421a61ad4ee29365005b14ec0f7b8399c87924dbcc626a54cf0f5bc375")
        #expect(commitment.matches([3, 4, 17]) && commitment.matches([17, 3, 3, 4]))
        #expect(!commitment.matches([3, 4]) && !commitment.matches([3, 4, 17, 18]) && !commitment.matches([3, 4, 16]))
        let certificate = try CertificateFixtures.certificate(key: key)
        try CertificateVerifier.checkIDs(certificate, ids: [4, 17, 3], path: "ids.txt")
        #expect(throws: CertificateError.ids("ids.txt holds 3 distinct ids that do not match the certificate's "
            + "commitment to 3 ids")) { try CertificateVerifier.checkIDs(certificate, ids: [4, 17, 2], path: "ids.txt") }
        // The salt is the key's: another coordinator's commitment to the same ids differs.
        #expect(ForgetIDCommitment.salt(for: "r", key: key) != ForgetIDCommitment.salt(for: "r", key: .generate()))
        #expect(ForgetIDCommitment.salt(for: "r", key: key) == ForgetIDCommitment.salt(for: "r", key: key))
    }

    @Test func theModelCheckHashesTheWeightsOfASafetensorsFile() throws {
        let folder = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights: [Float] = [1, -2, 3.5, 0.25, 7]
        let url = folder.appendingPathComponent("model.safetensors")
        try CertificateFixtures.modelFile(weights, at: url)
        let expected = SHA256.hex(weights.withUnsafeBytes { Data($0) })
        #expect(try CertificateVerifier.weightsSHA256(ofModelAt: url.path) == expected)
        var certificate = try CertificateFixtures.certificate(key: key)
        certificate.model.after.sha256 = expected
        try CertificateVerifier.checkModel(certificate, weightsSHA256: expected, path: url.path)
        var changed = try Data(contentsOf: url)
        changed[changed.count - 1] ^= 0x01
        try changed.write(to: url)
        let sha = try CertificateVerifier.weightsSHA256(ofModelAt: url.path)
        #expect(throws: CertificateError.self) { try CertificateVerifier.checkModel(certificate, weightsSHA256: sha, path: "m") }
        try changed.prefix(changed.count - 3).write(to: url)
        #expect(throws: CertificateError.self) { try CertificateVerifier.weightsSHA256(ofModelAt: url.path) }
    }

    @Test func anUnpublishedJobGetsNoCertificate() throws {
        var job = CertificateFixtures.job
        job.phase = .verification
        #expect(throws: CertificateError.self) {
            try CertificateBuilder.certificate(request: CertificateFixtures.request, job: job, coordinator: "c",
                                               key: key, modelFile: nil)
        }
    }
}
