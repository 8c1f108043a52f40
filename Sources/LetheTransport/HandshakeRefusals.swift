import Foundation

/// The handshakes a CURVE server refused, each cause logged once and later ones counted.
///
/// Why: a refused handshake never becomes a message, so the node above the transport cannot see it; without this an
/// operator learns of a mis-keyed client or a plaintext peer only from the silence. And a peer retrying every
/// reconnect interval must not fill the log, so a cause is logged the first time and counted after that. Called from
/// the ZAP and monitor threads, hence the lock.
public final class HandshakeRefusals: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var order: [String] = []
    private let report: @Sendable (String) -> Void

    /// `report` receives one line per new cause (the node's log).
    public init(report: @escaping @Sendable (String) -> Void) { self.report = report }

    /// Counts a refusal; the first of its `cause` is reported as `line`.
    func note(cause: String, line: @autoclosure () -> String) {
        let first = lock.withLock { () -> Bool in
            counts[cause, default: 0] += 1
            if counts[cause] == 1 { order.append(cause) }
            return counts[cause] == 1
        }
        if first { report(line() + " (later refusals of this cause are counted, not logged)") }
    }

    /// Every cause seen, first seen first, with how many times.
    public var tally: [(cause: String, count: Int)] {
        lock.withLock { order.map { ($0, counts[$0] ?? 0) } }
    }
}
