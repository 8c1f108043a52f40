import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LetheCoordinator
import LetheTransport

/// Writes one folder per participant of a `ProvisionProject`: its keys, the keys it must trust, and the
/// `lethe.json` its command reads with `--config` (paths in it relative to the folder, so a kit can be copied to its
/// host as it is).
///
/// Keys are made once: a re-run keeps every key file it finds (and says so), regenerates only the configuration
/// and allow-list from the project, and refuses a half pair instead of replacing it. Secret files get mode 0600.
struct KitWriter {
    let project: ProvisionProject
    let output: URL
    /// Without CURVE (an explicit `--plaintext`): no keys, plaintext configurations.
    let plaintext: Bool

    static let configName = "lethe.json"
    static let publicKeyName = "curve.public"
    static let secretKeyName = "curve.secret"
    static let serverKeyName = "coordinator.public"
    static let allowListName = "allowed-clients.txt"
    static let signingKeyName = "signing-key.pem"

    var operators: [String] { project.operators ?? ["operator"] }

    /// Writes every kit; returns one line per file written or kept.
    func write() throws -> [String] {
        var lines: [String] = []
        var keys: [String: CurveKeyPair] = [:]
        if !plaintext {
            for name in ["coordinator"] + project.clients.map(\.id) + operators {
                let (pair, line) = try keyPair(in: folder(name))
                keys[name] = pair
                lines.append(line)
            }
        }
        lines += try writeCoordinator(keys)
        for client in project.clients {
            let options = (project.clientOptions ?? [:]).merging(client.options ?? [:]) { $1 }
                .merging(["id": .text(client.id)]) { $1 }
            lines += try writePeer(client.id, options: options, keys: keys)
        }
        for name in operators { lines += try writePeer(name, options: [:], keys: keys) }
        return lines
    }

    func folder(_ name: String) -> URL { output.appendingPathComponent(name) }

    private func writeCoordinator(_ keys: [String: CurveKeyPair]) throws -> [String] {
        let folder = folder("coordinator")
        var options = project.coordinator.options ?? [:]
        options["bind"] = .text(project.coordinator.bind)
        options["expected-clients"] = .text(project.clients.map(\.id).joined(separator: ","))
        options["signing-key"] = .text(Self.signingKeyName)
        var lines: [String] = []
        let signing = try SigningKey.loadOrCreate(path: folder.appendingPathComponent(Self.signingKeyName).path)
        try Self.writeFile(Data(signing.publicKey.pem.utf8), to: folder.appendingPathComponent("signing-key.pub.pem"))
        lines.append("coordinator: certificate signing key \(signing.publicKey.keyID)")
        if !plaintext {
            options["curve-secret-key-file"] = .text(Self.secretKeyName)
            options["curve-public-key-file"] = .text(Self.publicKeyName)
            options["curve-client-keys"] = .text(Self.allowListName)
            let allowed = (project.clients.map(\.id) + operators).compactMap { keys[$0]?.publicKey }
            try Self.writeFile(Data((allowed.joined(separator: "\n") + "\n").utf8),
                               to: folder.appendingPathComponent(Self.allowListName))
            lines.append("coordinator: \(Self.allowListName) admits \(allowed.count) key(s)")
        }
        try Self.writeConfig(options, to: folder)
        return lines + ["coordinator: \(folder.appendingPathComponent(Self.configName).path)"]
    }

    /// A client's or an operator's kit: the coordinator's address, its own keys and the coordinator's public key.
    private func writePeer(_ name: String, options given: [String: ConfigFile.Value], keys: [String: CurveKeyPair])
        throws -> [String] {
        let folder = folder(name)
        var options = given
        options["connect"] = .text(project.coordinator.address ?? project.coordinator.bind)
        if !plaintext, let server = keys["coordinator"] {
            try Self.writeFile(Data((server.publicKey + "\n").utf8), to: folder.appendingPathComponent(Self.serverKeyName))
            options["server-public-key"] = .text(Self.serverKeyName)
            options["public-key-file"] = .text(Self.publicKeyName)
            options["secret-key-file"] = .text(Self.secretKeyName)
        }
        let coordinatorKey = self.folder("coordinator").appendingPathComponent("signing-key.pub.pem")
        try Self.writeFile(try Data(contentsOf: coordinatorKey), to: folder.appendingPathComponent("signing-key.pub.pem"))
        try Self.writeConfig(options, to: folder)
        return ["\(name): \(folder.appendingPathComponent(Self.configName).path)"]
    }

    /// The folder's CURVE pair: read when both files exist, made when neither does, refused when one is missing.
    func keyPair(in folder: URL) throws -> (CurveKeyPair, String) {
        let publicURL = folder.appendingPathComponent(Self.publicKeyName)
        let secretURL = folder.appendingPathComponent(Self.secretKeyName)
        let manager = FileManager.default
        switch (manager.fileExists(atPath: publicURL.path), manager.fileExists(atPath: secretURL.path)) {
        case (true, true):
            let pair = try CurveKeyPair(publicKey: try CurveClientOptions.readKey(publicURL.path),
                                        secretKey: try CurveClientOptions.readKey(secretURL.path))
            return (pair, "\(folder.lastPathComponent): kept its CURVE key pair")
        case (false, false):
            let pair = try CurveKeyPair.generate()
            try Self.writeFile(Data((pair.publicKey + "\n").utf8), to: publicURL)
            try Self.writeFile(Data((pair.secretKey + "\n").utf8), to: secretURL, mode: 0o600)
            return (pair, "\(folder.lastPathComponent): new CURVE key pair")
        default:
            throw ConfigFile.Problem(description: "\(folder.path) holds only half of a CURVE key pair; restore the "
                + "other file or remove both to make a new pair (a key is never replaced silently)")
        }
    }

    static func writeConfig(_ options: [String: ConfigFile.Value], to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeFile(try encoder.encode(options) + Data("\n".utf8), to: folder.appendingPathComponent(configName))
    }

    /// Writes `data` with `mode` (set at creation, so a secret is never readable by others, even briefly),
    /// creating the folder (0700: it holds secrets).
    static func writeFile(_ data: Data, to url: URL, mode: mode_t = 0o644) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ConfigFile.Problem(description: "\(url.path): cannot be written") }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count, fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
            throw ConfigFile.Problem(description: "\(url.path): cannot be written (\(String(cString: strerror(errno))))")
        }
    }
}
