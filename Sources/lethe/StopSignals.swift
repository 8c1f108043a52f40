import Dispatch
import Foundation

/// SIGTERM and SIGINT handled on a dispatch queue instead of by their default action, so a command stops its work
/// cleanly (`lethe client`, `coordinator`, `simulate`). The handlers are explicit because a parent that ignores
/// SIGTERM (test runners do) passes that disposition on to the processes it starts.
final class StopSignals {
    private let sources: [DispatchSourceSignal]

    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}

/// A stop asked for from a signal handler's queue and read by a node's loop.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    func request() { lock.withLock { requested = true } }
    var isRequested: Bool { lock.withLock { requested } }
}
