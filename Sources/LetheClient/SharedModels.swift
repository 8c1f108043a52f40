import Foundation

/// One copy of each model version for every node of a process that installs it.
///
/// A broadcast gives each of N virtual clients the same weights; decoded separately they would be N arrays.
/// Installed through here, a node's `ClientState.parameters` is the array the first node of that SHA-256
/// installed (Swift arrays share storage until written, and clients never write the installed model: they train
/// a scratch copy), so N clients holding the current model cost one model, not N. The newest `keep` versions are
/// remembered; an older array lives only as long as some client still holds it.
public final class SharedModels: @unchecked Sendable {
    private let lock = NSLock()
    private let keep: Int
    private var recent: [(sha256: [UInt8], weights: [Float])] = []

    public init(keep: Int = 4) { self.keep = max(1, keep) }

    /// The array already installed with this digest, or `weights` (remembered for the next node).
    public func shared(_ weights: [Float], sha256: [UInt8]) -> [Float] {
        lock.withLock {
            if let known = recent.first(where: { $0.sha256 == sha256 }) { return known.weights }
            recent.append((sha256, weights))
            if recent.count > keep { recent.removeFirst(recent.count - keep) }
            return weights
        }
    }

    /// The remembered array of digest `sha256` when `weights` has exactly its bytes, else nil.
    ///
    /// Why: every virtual client verifies the broadcast it decodes; at a thousand clients the SHA-256s were a third
    /// of the coordinator-and-clients' time in a phase. Bytes equal to a copy already verified against the same digest
    /// need no second hash: a byte comparison checks the same thing about twenty times faster.
    public func alreadyVerified(_ weights: [Float], sha256: [UInt8]) -> [Float]? {
        guard let known = lock.withLock({ recent.first(where: { $0.sha256 == sha256 })?.weights }),
              known.count == weights.count, !known.isEmpty else { return nil }
        let same = known.withUnsafeBytes { a in weights.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) } }
        return same == 0 ? known : nil
    }

    /// Model versions currently remembered (for tests and logs).
    public var count: Int { lock.withLock { recent.count } }
}
