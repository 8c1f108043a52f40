import ArgumentParser
import LetheData
import LetheFederation
import LetheUnlearning

/// `--reason privacy | poisoned`, as `lethe forget`, `simulate` and `unlearn` take it. Without the flag a deletion
/// whose samples carry a canary is read as poisoned (the canary *is* a poisoned contribution) and any other as a
/// privacy request, so the default never asks a method to undo a backdoor that is not there.
enum ReasonOption {
    static let help = "Why the data is deleted: privacy (a person's erasure) or poisoned (a backdoor or mislabelled "
        + "data found after training)."

    static func parse(_ text: String?, canary: Canary? = nil) throws -> DeletionReason {
        guard let text else { return canary == nil ? .privacy : .poisoned }
        guard let reason = DeletionReason(rawValue: text.lowercased()) else {
            throw ValidationError("--reason must be privacy or poisoned; got '\(text)'")
        }
        return reason
    }

    /// The WSS-CL reading a central run takes for `reason`: a class deletion is always the class reading (a
    /// poisoned class is refused before this), a poisoned sample set the poisoned one.
    static func forgettingKind(_ reason: DeletionReason, wholeClass: Bool) -> ForgettingKind {
        if wholeClass { return .wholeClass }
        return reason == .poisoned ? .poisoned : .samples
    }
}
