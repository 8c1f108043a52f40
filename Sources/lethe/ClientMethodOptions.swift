import ArgumentParser
import Foundation
import LetheClient

/// The WSS-CL reading a client runs, as a `lethe client` option; `lethe simulate` takes it too and passes it on to
/// every client, so federated variants are tried without a rebuild (`ClientConfiguration.applyWSSCLOverrides`).
struct ClientMethodOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "JSON file of WSS-CL overrides for the client phases: {\"samples\": {…}, \"class\": {…}, \"poisoned\": {…}}.",
        discussion: "Each value holds WSSCLConfiguration keys (as in lethe unlearn --config) or \"preset\": NAME; "
            + "\"samples\" also covers whole-client privacy deletions, \"poisoned\" requests with that reason. "
            + "Stage epochs and learning rates are the coordinator's "
            + "(--forgetting-epochs, --forgetting-learning-rate, --contrastive-epochs) and are refused here. "
            + "Example: {\"samples\": {\"stage1\": {\"temperature\": 0.8}}}."))
    var wssclConfig: String?

    func validate() throws {
        var scratch = ClientConfiguration(clientID: "validation")
        try apply(to: &scratch)
    }

    /// The same option as `lethe client` arguments (an absolute path: clients may run from another folder).
    var clientArguments: [String] {
        guard let wssclConfig else { return [] }
        return ["--wsscl-config", URL(fileURLWithPath: wssclConfig).standardizedFileURL.path]
    }

    /// Reads the file and applies it; a clear error names the file and what is wrong with it.
    func apply(to configuration: inout ClientConfiguration) throws {
        guard let wssclConfig else { return }
        guard let data = FileManager.default.contents(atPath: wssclConfig) else {
            throw ValidationError("cannot read --wsscl-config \(wssclConfig)")
        }
        do { try configuration.applyWSSCLOverrides(data) } catch {
            throw ValidationError("--wsscl-config \(wssclConfig): \(error)")
        }
    }
}
