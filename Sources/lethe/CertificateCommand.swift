import ArgumentParser
import Foundation
import LetheCoordinator
import LetheData

/// `lethe certificate …`: deletion certificates a coordinator issued.
struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Check the signed deletion certificates a coordinator writes for each finished job.",
        subcommands: [CertificateVerifyCommand.self])
}

/// `lethe certificate verify`: the checks an auditor or the person who asked can run without the ledger: the
/// signature against a trusted key, the model file against the after-model, a holder's ids against the commitment.
struct CertificateVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a deletion certificate; exits non-zero with the reason when any check fails.",
        discussion: """
            Checks that FILE is a Lethe deletion certificate signed by the trusted Ed25519 key and unchanged since \
            (the signature covers every value in it); with --model, that the model file's weights have the SHA-256 \
            of the certificate's after-model; with --ids, that the ids file holds exactly the sample ids the \
            request committed to. The trusted key defaults to signing-key.pub.pem in the coordinator's output \
            folder (the certificate folder's parent); pass the key you received out of band with --public-key.
            """)

    @Argument(help: "The certificate (OUTPUT/certificates/<request-id>.json).") var file: String
    @Option(help: "The coordinator's public key (PEM) to trust (default: beside the models).") var publicKey: String?
    @Option(help: "A model file (safetensors) that should be the certificate's after-model.") var model: String?
    @Option(help: "The holder's ids file (as given to lethe forget --ids) the request should commit to.")
    var ids: String?

    func run() throws {
        do {
            for line in try verify() { print(line) }
        } catch let error as CertificateError {
            FileHandle.standardError.write(Data("rejected: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Runs every check asked for and returns the report's lines.
    func verify() throws -> [String] {
        var list: (ids: [Int], source: String)?
        if let ids {
            do { list = (try ForgetSpec.readIDFile(path: ids), ids) } catch { throw CertificateError.ids("\(error)") }
        }
        return try Self.verify(file: file, publicKey: publicKey, model: model, ids: list)
    }

    /// The checks of `lethe certificate verify` (also run by `lethe simulate` on its job's certificate).
    static func verify(file: String, publicKey: String?, model: String?, ids: (ids: [Int], source: String)?) throws
        -> [String] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CertificateError.malformed("\(file) cannot be read")
        }
        let keyPath = publicKey ?? defaultPublicKey(for: file)
        let trusted = try PublicSigningKey.load(path: keyPath)
        let signed = try CertificateVerifier.verify(data, trusting: trusted)
        var lines = summary(signed.certificate, file: file)
        lines.append("  ok signature: Ed25519 key \(trusted.keyID) (trusted: \(keyPath))")
        if let model {
            let sha = try CertificateVerifier.weightsSHA256(ofModelAt: model)
            try CertificateVerifier.checkModel(signed.certificate, weightsSHA256: sha, path: model)
            lines.append("  ok model: \(model) is v\(signed.certificate.model.after.version)")
        }
        if let ids {
            try CertificateVerifier.checkIDs(signed.certificate, ids: ids.ids, path: ids.source)
            lines.append("  ok ids: the \(Set(ids.ids).count) ids of \(ids.source) are the committed set")
        }
        lines.append("verified")
        return lines
    }

    static func defaultPublicKey(for certificate: String) -> String {
        URL(fileURLWithPath: certificate).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(CoordinatorNode.publicKeyFileName).path
    }

    static func summary(_ c: DeletionCertificate, file: String) -> [String] {
        let request = c.request
        let scope = switch request.scope {
        case "samples": "\(request.forgetIDs?.count ?? 0) samples"
        case "class": "class \(request.classLabel.map(String.init) ?? "?")"
        default: "whole client"
        }
        var lines = [
            "certificate \(file)",
            "  request \(request.id): \(scope) of \(request.client.isEmpty ? "every client" : request.client), "
                + "\(request.reason), received \(request.receivedAt)",
            "  model v\(c.model.before.version) (\(c.model.before.sha256.prefix(12))) → v\(c.model.after.version) "
                + "(\(c.model.after.sha256.prefix(12))) by \(c.method.name), issued \(c.issuedAt) by \(c.issuer.coordinator)",
            "  job \(c.ledger.jobID): \(c.timings.totalSeconds) s",
        ]
        if let v = c.verification {
            lines.append("  verification (\(v.reports) client(s)): UA \(v.ua) RA \(v.ra) TA \(v.ta) MIA \(v.mia)"
                + (v.asr.map { " ASR \($0) (\(v.canarySamples ?? 0) triggered test images)" } ?? ""))
        }
        return lines
    }
}
