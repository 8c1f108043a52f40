import Foundation
import Testing
@testable import LetheCoordinator

@Suite struct SigningKeyTests {
    @Test func aKeyIsCreatedOnceWithMode0600AndReadBack() throws {
        let folder = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys/signing-key.pem").path
        let created = try SigningKey.loadOrCreate(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try SigningKey.loadOrCreate(path: path).publicKey == created.publicKey)
        #expect(throws: CertificateError.self) { try created.store(at: path) }  // never replaced
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: CertificateError.self) { try SigningKey.load(path: path) }
    }

    @Test func thePublicKeyPEMReadsBackAndMalformedKeysAreRefused() throws {
        let folder = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = SigningKey.generate()
        let path = folder.appendingPathComponent("key.pub.pem").path
        try key.publicKey.pem.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PublicSigningKey.load(path: path) == key.publicKey)
        try "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CertificateError.self) { try PublicSigningKey.load(path: path) }
        #expect(throws: CertificateError.self) { try PublicSigningKey(hex: String(repeating: "AB", count: 32)) }
    }

    /// OpenSSL reads the key files Lethe writes (the PKCS #8 and SubjectPublicKeyInfo prefixes are right).
    @Test func openSSLReadsTheKeyFiles() throws {
        guard let openssl = ReferenceTools.path("openssl") else {
            print("skipped: openssl is not installed"); return
        }
        let folder = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("signing-key.pem").path
        let key = try SigningKey.loadOrCreate(path: path)
        let output = try ReferenceTools.run(openssl, ["pkey", "-in", path, "-pubout"])
        #expect(output.status == 0 && output.text == key.publicKey.pem, "\(output.text)")
    }
}

/// The signature and the id commitment checked by code that is not Lethe's: `Tests/Reference/certificate_reference.py`
/// rebuilds the canonical bytes with Python's json and verifies with the OpenSSL command-line tool.
@Suite struct CertificateReferenceTests {
    @Test func pythonAndOpenSSLAcceptTheCertificateAndRejectAChangedOne() throws {
        guard let python = ReferenceTools.path("python3"), ReferenceTools.path("openssl") != nil else {
            print("skipped: python3 or openssl is not installed"); return
        }
        let key = SigningKey.generate()
        let folder = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("certificate.json")
        let file = try CertificateFixtures.signedFile(key: key)
        try file.write(to: url)
        let ids = CertificateFixtures.forgetIDs.map(String.init)
        let accepted = try ReferenceTools.run(python, [ReferenceTools.script, url.path] + ids)
        #expect(accepted.status == 0 && accepted.text == "signature ok\nids ok\n", "\(accepted.text)")

        let changed = String(data: file, encoding: .utf8)!.replacingOccurrences(of: "\"reports\" : 4", with: "\"reports\" : 5")
        try Data(changed.utf8).write(to: url)
        let rejected = try ReferenceTools.run(python, [ReferenceTools.script, url.path, "3", "4"])
        #expect(rejected.status == 1 && rejected.text == "signature bad\nids bad\n", "\(rejected.text)")
    }
}

enum ReferenceTools {
    /// Tests/Reference/, from Tests/LetheCoordinatorTests/Certificates/.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Reference/certificate_reference.py").path

    static func path(_ tool: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + tool }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
