import CZeroMQ
import Foundation

/// A ZAP (ZeroMQ Authentication Protocol, RFC 27) handler admitting only allow-listed CURVE client keys.
///
/// Why: CURVE without a handler at `inproc://zeromq.zap.01` admits *any* client key (FEDERATED.md §5.1). The
/// handler answers each handshake with 200 and the client's Z85 public key as User-Id, or 400; the server reads
/// the User-Id from every message (`ReceivedMessage.userID`). It runs on its own thread, which owns the REP socket
/// from `init` until `stop()` returns; the socket is bound in `init`, so it exists before the server binds.
final class ZAPHandler: @unchecked Sendable {
    private let socket: ZMQSocket
    private let allowed: Set<String>
    private let refusals: HandshakeRefusals?
    private let stopping = NSLock()
    private var stopRequested = false
    private let finished = DispatchSemaphore(value: 0)

    init(context: ZMQContext, allowedClientKeys: Set<String>, refusals: HandshakeRefusals? = nil) throws(TransportError) {
        var options = SocketOptions()
        options.maxMessageBytes = 4096
        options.heartbeatIntervalMilliseconds = 0
        socket = try ZMQSocket(context: context, type: ZMQ_REP, options: options)
        _ = try socket.bind("inproc://zeromq.zap.01")
        allowed = allowedClientKeys
        self.refusals = refusals
        let thread = Thread { [self] in serve() }
        thread.name = "lethe-zap"
        thread.start()
    }

    /// Stops the thread and closes its socket; returns once both are done. Idempotent.
    func stop() {
        let first = stopping.withLock { () -> Bool in
            defer { stopRequested = true }
            return !stopRequested
        }
        if first { finished.wait() }
    }

    private var shouldStop: Bool { stopping.withLock { stopRequested } }

    private func serve() {
        defer {
            socket.close()
            finished.signal()
        }
        while !shouldStop {
            do {
                guard try socket.pollIn(timeout: .milliseconds(20)) else { continue }
                let request = try socket.receiveFrames().frames
                try socket.send(reply(to: request))
            } catch {
                return  // context terminated or socket closed: nothing left to authenticate
            }
        }
    }

    /// ZAP request frames: version, request id, domain, address, routing id, mechanism, credentials…
    func reply(to request: [Data]) -> [Data] {
        let requestID = request.count > 1 ? request[1] : Data()
        let mechanism = request.count > 5 ? String(decoding: request[5], as: UTF8.self) : ""
        let key = mechanism == "CURVE" && request.count > 6 ? CurveKeyPair.z85(binaryKey: request[6]) : nil
        if let key, allowed.contains(key) {
            return [Data("1.0".utf8), requestID, Data("200".utf8), Data("OK".utf8), Data(key.utf8), Data()]
        }
        // The address is libzmq's text of the peer's IP; the key is Z85 (a fixed alphabet), so both are safe to log.
        let address = request.count > 3 ? String(decoding: request[3].prefix(64), as: UTF8.self) : "?"
        let who = key.map { "key \($0.prefix(8))…" } ?? "a \(mechanism.prefix(16)) handshake"
        refusals?.note(cause: "zap \(key ?? mechanism) \(address)",
                       line: "refused a CURVE handshake from \(address): \(who) is not on the allow-list")
        return [Data("1.0".utf8), requestID, Data("400".utf8), Data("client key not allowed".utf8), Data(), Data()]
    }
}
