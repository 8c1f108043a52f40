import Foundation

/// The project file `lethe provision` reads: where the coordinator listens and is reached, who the clients are,
/// and the options each participant runs with.
///
/// ```json
/// {"coordinator": {"bind": "tcp://0.0.0.0:5555", "address": "tcp://10.0.0.1:5555", "options": {"rounds": 5}},
///  "clients": [{"id": "client-0", "options": {"index": 0}}, {"id": "client-1", "options": {"index": 1}}],
///  "clientOptions": {"clients": 2}, "operators": ["operator"]}
/// ```
/// `options` are `lethe coordinator` / `lethe client` options without their dashes; `clientOptions` apply to every
/// client (a client's own `options` win); `operators` get a key to submit deletions with (`lethe forget`).
struct ProvisionProject: Decodable, Equatable {
    struct Coordinator: Decodable, Equatable {
        /// The endpoint the coordinator binds.
        var bind: String
        /// The endpoint clients and operators connect to (default: `bind`).
        var address: String?
        var options: [String: ConfigFile.Value]?
    }

    struct Client: Decodable, Equatable {
        var id: String
        var options: [String: ConfigFile.Value]?
    }

    var coordinator: Coordinator
    var clients: [Client]
    var clientOptions: [String: ConfigFile.Value]?
    var operators: [String]?

    /// Participant names become folder names and client ids: the wire's id rule ([A-Za-z0-9._:-], 1–64).
    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || Array("._:-".utf8).contains(byte)
        }
    }

    static func load(path: String) throws -> ProvisionProject {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigFile.Problem(description: "\(path): cannot be read")
        }
        let project: ProvisionProject
        do { project = try JSONDecoder().decode(ProvisionProject.self, from: data) } catch {
            throw ConfigFile.Problem(description: "\(path): not a provisioning project (\(Self.describe(error)))")
        }
        try project.validate(path: path)
        return project
    }

    func validate(path: String) throws {
        func problem(_ text: String) -> ConfigFile.Problem { ConfigFile.Problem(description: "\(path): \(text)") }
        guard !clients.isEmpty else { throw problem("no clients") }
        let names = clients.map(\.id) + (operators ?? ["operator"]) + ["coordinator"]
        for name in names where !Self.isValidName(name) {
            throw problem("\"\(name)\" is not an id of 1-64 characters A-Z a-z 0-9 . _ : -")
        }
        guard Set(names).count == names.count else { throw problem("participant names repeat: \(names)") }
        for endpoint in [coordinator.bind] + (coordinator.address.map { [$0] } ?? [])
        where !(endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("ipc://")) {
            throw problem("endpoint \"\(endpoint)\" is not tcp://HOST:PORT or ipc://PATH")
        }
        let reserved: Set<String> = ["bind", "connect", "id", "expected-clients", "curve-secret-key-file",
                                     "curve-public-key-file", "curve-client-keys", "server-public-key",
                                     "public-key-file", "secret-key-file", "signing-key", "config"]
        var given: [String] = Array((coordinator.options ?? [:]).keys) + Array((clientOptions ?? [:]).keys)
        for client in clients { given += Array((client.options ?? [:]).keys) }
        if let clash = given.first(where: reserved.contains) {
            throw problem("option \"\(clash)\" is written by provisioning itself; leave it out")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
        default: "\(error)"
        }
    }
}
