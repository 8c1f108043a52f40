import CZeroMQ
import Foundation

/// What can go wrong moving frames between nodes; every case says which operation failed and what to check.
public enum TransportError: Error, Equatable, Sendable {
    /// A libzmq call failed; `errno` and its text come from `zmq_errno` / `zmq_strerror`.
    case zmq(operation: String, errno: Int32, message: String)
    /// The peer is not (or no longer) connected to this ROUTER (ZMQ_ROUTER_MANDATORY turned a silent drop into this).
    case peerUnreachable(peer: PeerID)
    /// A send could not be queued within the send timeout: the peer is slow or gone and the high-water mark is full.
    case sendTimedOut(milliseconds: Int32)
    /// The transport (or its context) was closed; no further I/O is possible.
    case closed
    /// A message must carry at least one frame.
    case emptyMessage
    /// A CURVE key is not a 40-character Z85 string.
    case invalidKey(reason: String)
    /// No in-process server is bound under this name, or the name is taken.
    case inProcessEndpoint(name: String, reason: String)
}

extension TransportError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .zmq(let operation, let errno, let message):
            return "\(operation) failed: \(message) (errno \(errno))"
        case .peerUnreachable(let peer):
            return "peer \(peer) is not connected; it disconnected or never said hello"
        case .sendTimedOut(let milliseconds):
            return "send did not complete within \(milliseconds) ms; the peer is not reading (high-water mark full)"
        case .closed:
            return "transport is closed"
        case .emptyMessage:
            return "cannot send a message with no frames"
        case .invalidKey(let reason):
            return "invalid CURVE key: \(reason); keys are 40-character Z85 strings from CurveKeyPair.generate()"
        case .inProcessEndpoint(let name, let reason):
            return "in-process endpoint \"\(name)\": \(reason)"
        }
    }

    /// The error of the last failed libzmq call, naming the operation.
    static func lastZMQ(_ operation: String) -> TransportError {
        let code = zmq_errno()
        if code == ZMQErrno.eterm { return .closed }
        return .zmq(operation: operation, errno: code, message: String(cString: zmq_strerror(code)))
    }
}

/// libzmq's own errno values (zmq.h defines them from ZMQ_HAUSNUMERO in macros Swift does not import).
enum ZMQErrno {
    static let hausnumero: Int32 = 156_384_712
    static let eterm: Int32 = hausnumero + 53
}

/// Who a message came from or goes to.
///
/// On a ROUTER this is the routing id libzmq assigned to the connection. It is *not* authenticated: over CURVE,
/// identify clients by `ReceivedMessage.userID` (the ZAP User-Id) instead (FEDERATED.md §5.4.1).
public struct PeerID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: Data
    public init(_ bytes: Data) { self.bytes = bytes }
    /// The single peer of a connecting (DEALER) transport: the server it connected to.
    public static let server = PeerID(Data())
    public var description: String { bytes.isEmpty ? "server" : bytes.map { String(format: "%02x", $0) }.joined() }
}

/// One received multipart message.
public struct ReceivedMessage: Sendable, Equatable {
    /// The sender (`.server` on a connecting transport).
    public let peer: PeerID
    /// The payload frames, routing envelope removed.
    public let frames: [Data]
    /// The authenticated client id (the ZAP User-Id: the client's Z85 public key over CURVE), nil when unauthenticated.
    public let userID: String?

    public init(peer: PeerID, frames: [Data], userID: String?) {
        self.peer = peer
        self.frames = frames
        self.userID = userID
    }
}

/// Moves multipart messages between a node and its peers. Knows bytes only: no protobuf, no tensors.
///
/// A binding transport (the coordinator's ROUTER) talks to many peers; a connecting one (a client's DEALER) has one
/// peer, `.server`. An implementation is used by one thread at a time (libzmq sockets are not thread-safe).
public protocol MessageTransport: AnyObject {
    /// Queues `frames` as one message to `peer`.
    func send(_ frames: [Data], to peer: PeerID) throws(TransportError)
    /// The next message, waiting at most `timeout`; nil when none arrived in time.
    func receive(timeout: Duration) throws(TransportError) -> ReceivedMessage?
    /// Releases the transport; later calls throw `.closed`. Idempotent.
    func close()
}

extension Duration {
    /// Whole milliseconds, clamped to Int32 (libzmq's poll and option units).
    var clampedMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, ms))
    }
}
