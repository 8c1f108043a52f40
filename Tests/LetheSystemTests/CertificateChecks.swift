import Foundation
import LetheCoordinator
import Testing

/// `lethe certificate verify` as a separate process on the certificate a real `lethe simulate` run left: accepted
/// with its model and ids, and rejected, with its reason, after one byte of the certificate, of the model or of
/// the ids file changes, or when another key is the one trusted (issue 22).
enum CertificateChecks {
    static func run(runFolder: URL) throws {
        let coordinator = runFolder.appendingPathComponent("coordinator")
        let certificates = try FileManager.default.contentsOfDirectory(
            atPath: coordinator.appendingPathComponent("certificates").path)
        #expect(certificates.count == 1, "\(certificates)")
        let certificate = coordinator.appendingPathComponent("certificates/\(try #require(certificates.first))")
        let signed = try CertificateVerifier.read(try Data(contentsOf: certificate))
        let model = coordinator.appendingPathComponent(try #require(signed.certificate.model.file))
        let ids = runFolder.appendingPathComponent("forget-ids.txt")
        let verify = ["certificate", "verify", certificate.path, "--model", model.path, "--ids", ids.path]

        // The run's canary holder measured its ASR in the verification phase; the certificate carries it.
        let verification = try #require(signed.certificate.verification)
        #expect(verification.asr.flatMap(Double.init).map { (0...100).contains($0) } == true, "\(verification)")
        #expect((verification.canarySamples ?? 0) > 0)
        let accepted = try SimulateTests.lethe(verify)
        #expect(accepted.status == 0 && accepted.output.contains("verified"), "\(accepted.output)")

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        func rejected(_ arguments: [String], _ reason: String) throws {
            let result = try SimulateTests.lethe(arguments)
            #expect(result.status == 1 && result.output.contains("rejected: \(reason)"), "\(arguments): \(result.output)")
        }
        // One byte of the certificate: the after-model's version (a one-digit number in a tiny run) raised by one.
        let text = try String(contentsOf: certificate, encoding: .utf8)
        let version = signed.certificate.model.after.version
        let damagedCertificate = scratch.appendingPathComponent("certificate.json")
        try text.replacingOccurrences(of: "\"version\" : \(version)", with: "\"version\" : \(version + 1)")
            .write(to: damagedCertificate, atomically: true, encoding: .utf8)
        try rejected(["certificate", "verify", damagedCertificate.path, "--public-key",
                      coordinator.appendingPathComponent("signing-key.pub.pem").path], "signature rejected")
        // One byte of the model's weights.
        var weights = try Data(contentsOf: model)
        weights[weights.count - 1] ^= 0x01
        let damagedModel = scratch.appendingPathComponent("model.safetensors")
        try weights.write(to: damagedModel)
        try rejected(["certificate", "verify", certificate.path, "--model", damagedModel.path], "model rejected")
        // One byte of the ids file: the first id's last digit.
        var idText = try String(contentsOf: ids, encoding: .utf8)
        let firstLineEnd = try #require(idText.firstIndex(of: "\n"))
        let digit = idText[idText.index(before: firstLineEnd)]
        idText.replaceSubrange(idText.index(before: firstLineEnd)...idText.index(before: firstLineEnd),
                               with: digit == "9" ? "8" : String(Character(UnicodeScalar(digit.asciiValue! + 1))))
        let damagedIDs = scratch.appendingPathComponent("ids.txt")
        try idText.write(to: damagedIDs, atomically: true, encoding: .utf8)
        try rejected(["certificate", "verify", certificate.path, "--ids", damagedIDs.path], "ids rejected")
        // Another coordinator's key.
        let otherKey = scratch.appendingPathComponent("other.pub.pem")
        try SigningKey.generate().publicKey.pem.write(to: otherKey, atomically: true, encoding: .utf8)
        try rejected(["certificate", "verify", certificate.path, "--public-key", otherKey.path],
                     "signature rejected: signed by key")
    }
}
