import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The coordinator's Ed25519 key for signing deletion certificates, kept as a PEM file (PKCS #8, the form
/// `openssl genpkey -algorithm ed25519` writes, so operators can make, inspect or rotate keys with OpenSSL).
///
/// The secret file is created once, with mode 0600, and never overwritten; a file others can read is refused, as
/// ssh refuses such a key: anyone who can read it can sign certificates in the coordinator's name.
public struct SigningKey: Sendable {
    /// The 32-byte seed (swift-crypto's key types are not `Sendable`; the bytes are).
    let seed: Data

    public init(privateKey: Curve25519.Signing.PrivateKey) { seed = privateKey.rawRepresentation }

    public var privateKey: Curve25519.Signing.PrivateKey {
        // The seed came from a valid key, so it always makes one again.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// A new random key (not stored).
    public static func generate() -> SigningKey { SigningKey(privateKey: Curve25519.Signing.PrivateKey()) }

    public var publicKey: PublicSigningKey { PublicSigningKey(key: privateKey.publicKey) }

    /// Reads the key at `path`, or creates it there (and its folder, mode 0700) when no file exists.
    /// - Throws: `CertificateError.key` for an unreadable, malformed or group/world-readable file.
    public static func loadOrCreate(path: String) throws -> SigningKey {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let key = generate()
        try key.store(at: path)
        return key
    }

    /// Reads a PKCS #8 PEM Ed25519 key.
    public static func load(path: String) throws -> SigningKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CertificateError.key("\(path): cannot be read") }
        guard info.st_mode & 0o077 == 0 else {
            throw CertificateError.key("\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                                       + "`chmod 600 \(path)` first")
        }
        let raw = try PEM.readKey(path: path, label: "PRIVATE KEY", prefix: PEM.privateKeyPrefix)
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw CertificateError.key("\(path): not an Ed25519 private key in PKCS #8 form")
        }
        return SigningKey(privateKey: key)
    }

    /// Creates `path` with mode 0600; refuses to replace an existing file.
    func store(at path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch { throw CertificateError.key("\(folder): cannot create the folder (\(error.localizedDescription))") }
        }
        let pem = PEM.encode(PEM.privateKeyPrefix + privateKey.rawRepresentation, label: "PRIVATE KEY")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CertificateError.key("\(path): cannot create (\(String(cString: strerror(errno)))); an existing key is never replaced")
        }
        defer { close(descriptor) }
        let bytes = Array(pem.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw CertificateError.key("\(path): cannot write (\(String(cString: strerror(errno))))")
        }
    }

    /// Signs `data` (Ed25519 is deterministic: the same key and bytes give the same signature).
    public func signature(for data: Data) throws -> Data {
        do { return try privateKey.signature(for: data) } catch {
            throw CertificateError.key("signing failed (\(error))")
        }
    }
}

/// A public Ed25519 key: the one a verifier trusts, published as `signing-key.pub.pem` (SubjectPublicKeyInfo PEM,
/// readable by `openssl pkey -pubin`).
public struct PublicSigningKey: Equatable, Sendable {
    /// The 32 raw bytes, always those of a valid key.
    let raw: Data

    public init(key: Curve25519.Signing.PublicKey) { raw = key.rawRepresentation }

    public var key: Curve25519.Signing.PublicKey { try! Curve25519.Signing.PublicKey(rawRepresentation: raw) }

    /// The 32 raw bytes as lowercase hex (the form certificates carry).
    public var hex: String { Hex.encode(raw) }

    /// A short name for the key: the first 16 hex digits of the SHA-256 of its raw bytes.
    public var keyID: String { String(Hex.encode(Data(SHA256.hash(data: raw))).prefix(16)) }

    public var pem: String { PEM.encode(PEM.publicKeyPrefix + raw, label: "PUBLIC KEY") }

    public init(hex: String) throws {
        guard let raw = Hex.decode(hex), raw.count == 32,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw CertificateError.malformed("the public key is not 32 bytes of lowercase hex")
        }
        self.init(key: key)
    }

    /// Reads a SubjectPublicKeyInfo PEM Ed25519 public key.
    public static func load(path: String) throws -> PublicSigningKey {
        let raw = try PEM.readKey(path: path, label: "PUBLIC KEY", prefix: PEM.publicKeyPrefix)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw CertificateError.key("\(path): not an Ed25519 public key in PEM form")
        }
        return PublicSigningKey(key: key)
    }

    public func isValidSignature(_ signature: Data, for data: Data) -> Bool {
        key.isValidSignature(signature, for: data)
    }
}

/// PEM armour and the fixed DER prefixes of Ed25519 keys (RFC 8410): the key's 32 bytes follow them directly.
enum PEM {
    /// PKCS #8 PrivateKeyInfo: version 0, algorithm id-Ed25519 (1.3.101.112), an OCTET STRING holding the seed.
    static let privateKeyPrefix = Data([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
                                        0x04, 0x22, 0x04, 0x20])
    /// SubjectPublicKeyInfo: algorithm id-Ed25519, a BIT STRING holding the public key.
    static let publicKeyPrefix = Data([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

    static func encode(_ der: Data, label: String) -> String {
        let body = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    /// The 32 key bytes of the PEM file at `path`: its `label` block must be `prefix` followed by them.
    static func readKey(path: String, label: String, prefix: Data) throws -> Data {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CertificateError.key("\(path): cannot be read as text")
        }
        let der = try decode(text, label: label, path: path)
        guard der.count == prefix.count + 32, der.prefix(prefix.count) == prefix else {
            throw CertificateError.key("\(path): not an Ed25519 key (\(label)) in the form OpenSSL writes")
        }
        return der.suffix(32)
    }

    static func decode(_ text: String, label: String, path: String) throws -> Data {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN \(label)-----"),
              let end = lines.firstIndex(of: "-----END \(label)-----"), begin < end,
              let der = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else {
            throw CertificateError.key("\(path): not a PEM file with a \(label) block")
        }
        return der
    }
}

/// Lowercase hex, strict both ways: every digit of a signature or hash is significant, so a changed digit is
/// always a changed value (base64's padding bits are not).
enum Hex {
    static func encode(_ data: some Sequence<UInt8>) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }

    static func decode(_ text: String) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var out = Data(capacity: digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }
}
