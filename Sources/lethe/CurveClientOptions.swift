import ArgumentParser
import Foundation
import LetheTransport

/// The CURVE options of a command that connects to a coordinator (`lethe client`, `lethe forget`): all three or
/// none. A submitter needs them too: a CURVE coordinator drops a plaintext connection in the handshake, which a
/// DEALER only sees as messages that never leave.
struct CurveClientOptions: ParsableArguments {
    @Option(help: "The coordinator's CURVE public key: 40 Z85 characters, or a file holding them.")
    var serverPublicKey: String?
    @Option(help: "File holding this peer's CURVE public key (Z85; it must be on the coordinator's allow-list).")
    var publicKeyFile: String?
    @Option(help: "File holding this peer's CURVE secret key (Z85).") var secretKeyFile: String?

    func validate() throws {
        let given = [serverPublicKey, publicKeyFile, secretKeyFile].compactMap { $0 }.count
        guard given == 0 || given == 3 else {
            throw ValidationError("CURVE needs all of --server-public-key, --public-key-file and --secret-key-file")
        }
    }

    /// The CURVE client settings, or nil for a plaintext connection.
    func configuration() throws -> CurveClientConfig? {
        guard let serverPublicKey, let publicKeyFile, let secretKeyFile else { return nil }
        let keys = try CurveKeyPair(publicKey: try Self.readKey(publicKeyFile), secretKey: try Self.readKey(secretKeyFile))
        let server = serverPublicKey.utf8.count == 40 && !FileManager.default.fileExists(atPath: serverPublicKey)
            ? serverPublicKey : try Self.readKey(serverPublicKey)
        return CurveClientConfig(keyPair: keys, serverPublicKey: server)
    }

    /// The first line of a key file, trimmed.
    static func readKey(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read the key file \(path)")
        }
        return String(text.split(whereSeparator: \.isNewline).first ?? "").trimmingCharacters(in: .whitespaces)
    }
}
