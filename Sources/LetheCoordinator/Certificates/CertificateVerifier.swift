import Crypto
import Foundation

/// The checks `lethe certificate verify` runs, each failing with its own reason: the file is a certificate of this
/// format, signed by the trusted key, unchanged since; a model file is its after-model; an ids file is the set it
/// commits to.
public enum CertificateVerifier {
    /// Reads a certificate file's bytes and checks its signature against `trusted`.
    /// - Throws: `CertificateError.malformed` for a file this version cannot read, `.signature` for another key or
    ///   contents changed after signing.
    public static func verify(_ data: Data, trusting trusted: PublicSigningKey) throws -> SignedCertificate {
        let signed = try read(data)
        guard signed.publicKey == trusted else {
            throw CertificateError.signature("signed by key \(signed.publicKey.keyID), not by the trusted key "
                + "\(trusted.keyID): this certificate was not issued by that coordinator")
        }
        let canonical = try CanonicalJSON(encoding: signed.certificate).bytes
        guard trusted.isValidSignature(signed.signature, for: canonical) else {
            throw CertificateError.signature("the Ed25519 signature does not match the certificate's contents: "
                + "they were changed after signing")
        }
        return signed
    }

    /// Parses the file and its signature block without checking the signature.
    public static func read(_ data: Data) throws -> SignedCertificate {
        let file = try CanonicalJSON(json: data)
        guard case .object(let members) = file, Set(members.keys) == ["certificate", "signature"],
              let body = file["certificate"], let block = file["signature"] else {
            throw CertificateError.malformed("expected an object with exactly \"certificate\" and \"signature\"")
        }
        guard let format = body["format"]?.stringValue else {
            throw CertificateError.malformed("the certificate has no format")
        }
        guard format == DeletionCertificate.currentFormat else {
            throw CertificateError.malformed("format \"\(format)\"; this lethe reads \(DeletionCertificate.currentFormat)")
        }
        let certificate: DeletionCertificate
        do { certificate = try JSONDecoder().decode(DeletionCertificate.self, from: body.bytes) } catch {
            throw CertificateError.malformed("the certificate's fields do not read (\(error))")
        }
        // Decoding drops members it does not know; a certificate with an extra member is not the one signed.
        guard try CanonicalJSON(encoding: certificate) == body else {
            throw CertificateError.malformed("the certificate holds members this format does not define")
        }
        return try signatureBlock(block, certificate: certificate)
    }

    private static func signatureBlock(_ block: CanonicalJSON, certificate: DeletionCertificate) throws
        -> SignedCertificate {
        guard case .object(let members) = block, Set(members.keys) == ["algorithm", "keyID", "publicKey", "value"],
              block["algorithm"]?.stringValue == SignedCertificate.algorithm,
              let keyHex = block["publicKey"]?.stringValue, let keyID = block["keyID"]?.stringValue,
              let valueHex = block["value"]?.stringValue else {
            throw CertificateError.malformed("the signature block is not {algorithm: Ed25519, keyID, publicKey, value}")
        }
        let key = try PublicSigningKey(hex: keyHex)
        guard keyID == key.keyID, certificate.issuer.keyID == key.keyID else {
            throw CertificateError.signature("the key id \(keyID) (issuer \(certificate.issuer.keyID)) does not name "
                + "the public key \(key.keyID) the block carries")
        }
        guard let value = Hex.decode(valueHex), value.count == 64 else {
            throw CertificateError.malformed("the signature value is not 64 bytes of lowercase hex")
        }
        return SignedCertificate(certificate: certificate, publicKey: key, signature: value)
    }

    /// Checks that weights with SHA-256 `sha256` (of a model file) are the certificate's after-model.
    public static func checkModel(_ certificate: DeletionCertificate, weightsSHA256 sha256: String,
                                  path: String) throws {
        let after = certificate.model.after
        guard sha256 == after.sha256 else {
            throw CertificateError.model("\(path) has weights with SHA-256 \(sha256), but the certificate's "
                + "after-model v\(after.version) has \(after.sha256)")
        }
    }

    /// Checks that `ids` are the samples the certificate's request committed to.
    public static func checkIDs(_ certificate: DeletionCertificate, ids: [Int], path: String) throws {
        guard let commitment = certificate.request.forgetIDs else {
            throw CertificateError.ids("the certificate's request deleted \(certificate.request.scope == "class" ? "a class" : "a whole client"), "
                + "not sample ids: it commits to no ids file")
        }
        guard commitment.scheme == ForgetIDCommitment.scheme else {
            throw CertificateError.ids("commitment scheme \(commitment.scheme); this lethe checks \(ForgetIDCommitment.scheme)")
        }
        guard commitment.matches(ids) else {
            throw CertificateError.ids("\(path) holds \(Set(ids).count) distinct ids that do not match the "
                + "certificate's commitment to \(commitment.count) ids")
        }
    }

    /// SHA-256 (hex) of a safetensors file's weights as Lethe hashes them: the data section, which for a model
    /// Lethe wrote is the flat little-endian float32 weights in layout order.
    /// - Throws: `CertificateError.model` for a file that is not a readable safetensors file of float32 tensors
    ///   filling its data section.
    public static func weightsSHA256(ofModelAt path: String) throws -> String {
        guard let file = FileManager.default.contents(atPath: path) else {
            throw CertificateError.model("\(path): cannot be read")
        }
        guard file.count >= 8 else { throw CertificateError.model("\(path): truncated (\(file.count) bytes)") }
        let length = file.prefix(8).reversed().reduce(0 as UInt64) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(file.count - 8),
              let header = try? JSONSerialization.jsonObject(with: file.subdata(in: 8..<(8 + Int(length))))
                as? [String: Any] else {
            throw CertificateError.model("\(path): not a safetensors file (its header does not read)")
        }
        let data = file.subdata(in: (8 + Int(length))..<file.count)
        var spans: [(Int, Int)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let tensor = value as? [String: Any], tensor["dtype"] as? String == "F32",
                  let offsets = tensor["data_offsets"] as? [Int], offsets.count == 2 else {
                throw CertificateError.model("\(path): tensor \(name) is not a float32 tensor with data offsets")
            }
            spans.append((offsets[0], offsets[1]))
        }
        spans.sort { $0.0 < $1.0 }
        let contiguous = zip(spans, spans.dropFirst()).allSatisfy { $0.1 == $1.0 }
        guard contiguous, spans.first?.0 == 0, spans.last?.1 == data.count else {
            throw CertificateError.model("\(path): its tensors do not fill the data section exactly")
        }
        return Hex.encode(Data(SHA256.hash(data: data)))
    }
}
