import CZeroMQ
import Foundation

/// `MessageTransport` over libzmq: a binding ROUTER (the coordinator) or a connecting DEALER (a client).
///
/// A ROUTER talks to many peers; `ZMQ_ROUTER_MANDATORY` makes a send to a departed peer throw
/// `.peerUnreachable` instead of vanishing. A DEALER sets `ZMQ_IMMEDIATE`, so messages are queued only on a
/// completed connection. Used by one thread at a time (see `ZMQSocket`); `@unchecked Sendable` so it can be handed
/// to the thread that serves it. `close()` stops the ZAP handler (CURVE servers) and closes the socket.
public final class ZMQTransport: MessageTransport, @unchecked Sendable {
    private let socket: ZMQSocket
    private let zap: ZAPHandler?
    private let monitor: HandshakeMonitor?
    private let isRouter: Bool
    /// The endpoint actually bound or connected (for `tcp://127.0.0.1:*`, with the port the OS chose).
    public let endpoint: String

    private init(socket: ZMQSocket, zap: ZAPHandler?, monitor: HandshakeMonitor?, isRouter: Bool, endpoint: String) {
        self.socket = socket
        self.zap = zap
        self.monitor = monitor
        self.isRouter = isRouter
        self.endpoint = endpoint
    }

    deinit { close() }

    /// A ROUTER bound to `endpoint` (e.g. `tcp://127.0.0.1:*`, `ipc:///tmp/lethe.sock`). With `curve`, only
    /// allow-listed client keys complete the handshake, and plaintext clients are refused; with `refusals` too, each
    /// refused handshake's cause is reported once (an unknown key with its address; a plaintext or mis-keyed peer).
    public static func router(context: ZMQContext, bind endpoint: String, options: SocketOptions = SocketOptions(),
                              curve: CurveServerConfig? = nil,
                              refusals: HandshakeRefusals? = nil) throws(TransportError) -> ZMQTransport {
        let socket = try ZMQSocket(context: context, type: ZMQ_ROUTER, options: options)
        try socket.set(ZMQ_ROUTER_MANDATORY, Int32(1), "ZMQ_ROUTER_MANDATORY")
        var zap: ZAPHandler?
        var monitor: HandshakeMonitor?
        do {
            if let curve {
                // The handler must exist before the server binds, or the first handshakes would go unchecked.
                zap = try ZAPHandler(context: context, allowedClientKeys: curve.allowedClientKeys, refusals: refusals)
                try socket.configureCurveServer(curve)
                if let refusals { monitor = try HandshakeMonitor(watching: socket, context: context, refusals: refusals) }
            }
            let bound = try socket.bind(endpoint)
            return ZMQTransport(socket: socket, zap: zap, monitor: monitor, isRouter: true, endpoint: bound)
        } catch {
            monitor?.stop()
            zap?.stop()
            throw error
        }
    }

    /// A DEALER connected to `endpoint`; its one peer is `.server`.
    public static func dealer(context: ZMQContext, connect endpoint: String, options: SocketOptions = SocketOptions(),
                              curve: CurveClientConfig? = nil) throws(TransportError) -> ZMQTransport {
        let socket = try ZMQSocket(context: context, type: ZMQ_DEALER, options: options)
        try socket.set(ZMQ_IMMEDIATE, Int32(1), "ZMQ_IMMEDIATE")
        if let curve { try socket.configureCurveClient(curve) }
        try socket.connect(endpoint)
        return ZMQTransport(socket: socket, zap: nil, monitor: nil, isRouter: false, endpoint: endpoint)
    }

    public func send(_ frames: [Data], to peer: PeerID) throws(TransportError) {
        guard !frames.isEmpty else { throw .emptyMessage }
        if isRouter {
            do {
                try socket.send([peer.bytes] + frames)
            } catch .peerUnreachable {
                throw .peerUnreachable(peer: peer)
            }
        } else {
            guard peer == .server else { throw .peerUnreachable(peer: peer) }
            try socket.send(frames)
        }
    }

    public func receive(timeout: Duration) throws(TransportError) -> ReceivedMessage? {
        guard try socket.pollIn(timeout: timeout) else { return nil }
        let (frames, userID) = try socket.receiveFrames()
        if isRouter {
            guard let routingID = frames.first else { return nil }
            return ReceivedMessage(peer: PeerID(routingID), frames: Array(frames.dropFirst()), userID: userID)
        }
        return ReceivedMessage(peer: .server, frames: frames, userID: userID)
    }

    public func close() {
        monitor?.stop()
        zap?.stop()
        socket.close()
    }
}
