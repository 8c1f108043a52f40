import Foundation
import LetheUnlearning

extension ClientConfiguration {
    /// The keys of a WSS-CL overrides file: one JSON object of `WSSCLConfiguration` keys per deletion kind.
    public static let wssclOverrideKinds = [ForgettingKind.samples, .wholeClass, .poisoned].map(\.rawValue)

    /// Changes the WSS-CL readings from a JSON document `{"samples": {…}, "class": {…}, "poisoned": {…}}` (each key
    /// optional; each
    /// value holds `WSSCLConfiguration` keys, or `"preset": NAME` to start from a named central configuration).
    ///
    /// Why a file: federated variants of the method (the stage-1 objective, temperature, retain steps, retain loss)
    /// can then be tried with `lethe simulate` as central ones are with `lethe unlearn --config`, without a rebuild.
    /// Stage lengths and rates are refused here: the coordinator sends them with every phase request (`lethe
    /// simulate --forgetting-epochs …`), so a value in the file would be silently replaced.
    /// - Throws: `UnlearningError.invalidConfiguration` naming the file's problem.
    public mutating func applyWSSCLOverrides(_ json: Data) throws {
        func invalid(_ reason: String) -> UnlearningError {
            .invalidConfiguration(method: "wss-cl overrides", reason: reason)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw invalid("the file must hold a JSON object with keys "
                          + Self.wssclOverrideKinds.joined(separator: ", "))
        }
        if let unknown = object.keys.sorted().first(where: { !Self.wssclOverrideKinds.contains($0) }) {
            throw invalid("unknown key '\(unknown)'; the keys are " + Self.wssclOverrideKinds.joined(separator: ", "))
        }
        for kind in object.keys.sorted() {
            let overrides = object[kind]!
            let forgetting = ForgettingKind(rawValue: kind)!
            let patch = overrides as? [String: Any]
            for stage in ["stage1", "stage2"] {
                guard let keys = (patch?[stage] as? [String: Any])?.keys else { continue }
                if let sent = ["epochs", "learningRate"].first(where: keys.contains) {
                    throw invalid("\(kind).\(stage).\(sent) comes from the coordinator's phase request "
                                  + "(lethe simulate --forgetting-epochs, --forgetting-learning-rate, "
                                  + "--contrastive-epochs), not from the client's file")
                }
            }
            if patch?["repair"] != nil {
                throw invalid("\(kind).repair: the federated phases run no repair pass (forgetting, then contrastive)")
            }
            let changed = try MethodCatalog.wssclConfiguration(overrides: overrides,
                                                               defaults: wsscl(for: forgetting))
            guard changed.retainLoss == .crossEntropy else {
                throw invalid("\(kind): distillation needs the original model, which the federated contrastive "
                              + "phase does not have (it starts from the forgetting phase's published version); "
                              + "keep retainLoss at cross-entropy")
            }
            setWSSCL(changed, for: forgetting)
        }
    }
}
