import CZeroMQ
import Foundation

/// Watches a CURVE server socket for handshakes that fail before ZAP is asked (libzmq's socket monitor): a plaintext
/// peer (mechanism mismatch), a client that has the wrong server key (cryptographic error), a peer speaking something
/// else than ZMTP. ZAP refusals of unknown keys are reported by `ZAPHandler`, which knows the peer's address and key.
///
/// The monitor's events name only the listening endpoint, not the peer, so a cause here is the kind of failure.
/// Runs on its own thread, like `ZAPHandler`, owning the PAIR socket that receives the events until `stop()`.
final class HandshakeMonitor: @unchecked Sendable {
    private let events: ZMQSocket
    private let refusals: HandshakeRefusals
    private let stopping = NSLock()
    private var stopRequested = false
    private let finished = DispatchSemaphore(value: 0)

    init(watching socket: ZMQSocket, context: ZMQContext, refusals: HandshakeRefusals) throws(TransportError) {
        let address = "inproc://lethe-monitor-\(UUID().uuidString)"
        let watched = ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
        guard zmq_socket_monitor(try socket.liveHandle(), address, watched) == 0 else {
            throw .lastZMQ("zmq_socket_monitor")
        }
        var options = SocketOptions()
        options.heartbeatIntervalMilliseconds = 0
        events = try ZMQSocket(context: context, type: ZMQ_PAIR, options: options)
        try events.connect(address)
        self.refusals = refusals
        let thread = Thread { [self] in serve() }
        thread.name = "lethe-handshake-monitor"
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
            events.close()
            finished.signal()
        }
        while !shouldStop {
            do {
                guard try events.pollIn(timeout: .milliseconds(20)) else { continue }
                note(try events.receiveFrames().frames)
            } catch {
                return  // context terminated or socket closed
            }
        }
    }

    /// An event: frame 1 is a 16-bit event id and a 32-bit value (host order), frame 2 the endpoint.
    func note(_ frames: [Data]) {
        guard frames.count >= 2, frames[0].count >= 6 else { return }
        let event = frames[0].prefix(2).withUnsafeBytes { Int32($0.loadUnaligned(as: UInt16.self)) }
        let value = frames[0].dropFirst(2).prefix(4).withUnsafeBytes { Int32(bitPattern: $0.loadUnaligned(as: UInt32.self)) }
        let endpoint = String(decoding: frames[1].prefix(128), as: UTF8.self)
        let (cause, reason) = Self.describe(event: event, value: value)
        refusals.note(cause: "handshake \(cause)", line: "refused a connection on \(endpoint): \(reason)")
    }

    static func describe(event: Int32, value: Int32) -> (cause: String, reason: String) {
        guard event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL else {
            return ("no detail", "the handshake failed (the peer closed it: a plaintext client that read this CURVE "
                    + "greeting first, or a peer that does not speak ZMTP)")
        }
        switch value {
        case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
            return ("mechanism", "the peer's security mechanism is not CURVE (a plaintext client against this CURVE "
                    + "coordinator?)")
        case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
            return ("cryptographic", "the CURVE handshake did not decrypt (a client configured with another "
                    + "coordinator's public key?)")
        default:
            return (String(format: "0x%08x", value), String(format: "ZMTP protocol error 0x%08x", value))
        }
    }
}
