import CZeroMQ
import Foundation

/// A libzmq context: the io threads and the namespace of `inproc://` endpoints (including the ZAP handler's).
///
/// Ownership: every socket retains its context, so the context is terminated (`zmq_ctx_term`) exactly when the
/// last socket using it has been closed and released. That ordering is what makes shutdown deterministic: with
/// ZMQ_LINGER 0 on every socket, termination never waits on unsent data and never hangs.
/// libzmq contexts are thread-safe, hence `@unchecked Sendable`.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// A context with `ioThreads` background io threads (1 suffices on a 2-core host: FEDERATED.md §5.4.11).
    public init(ioThreads: Int32 = 1) throws(TransportError) {
        guard let handle = zmq_ctx_new() else { throw .lastZMQ("zmq_ctx_new") }
        self.handle = handle
        guard zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) == 0 else {
            zmq_ctx_term(handle)
            throw .lastZMQ("zmq_ctx_set(ZMQ_IO_THREADS)")
        }
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
