import Foundation
import LetheTransport
import LetheWire

/// A minimal coordinator loop for tests: decodes and validates every message, answers invalid ones with an `Error`
/// envelope, Hello with Welcome, Heartbeat with a MaskBroadcast. Runs on its own thread, which owns the transport.
final class ServingLoop: @unchecked Sendable {
    let endpoint: String
    private let lock = NSLock()
    private var stopFlag = false
    private var log: [Result<Lethe_V1_Envelope, WireError>] = []
    private let done = DispatchSemaphore(value: 0)
    static let mask = WireMask(bitCount: 1000, setting: stride(from: 0, to: 1000, by: 3))

    init(_ router: ZMQTransport) {
        endpoint = router.endpoint
        Thread { [self] in
            defer { router.close(); done.signal() }
            while !lock.withLock({ stopFlag }) {
                guard let message = try? router.receive(timeout: .milliseconds(20)) else { continue }
                let reply = answer(message.frames)
                try? router.send([reply], to: message.peer)
            }
        }.start()
    }

    /// Decode results in arrival order.
    var results: [Result<Lethe_V1_Envelope, WireError>] { lock.withLock { log } }

    func stop() {
        lock.withLock { stopFlag = true }
        done.wait()
    }

    private func answer(_ frames: [Data]) -> Data {
        let result: Result<Lethe_V1_Envelope, WireError>
        if frames.count == 1 {
            result = Result { () throws(WireError) in try WireCodec.decode(frames[0]) }
        } else {
            result = .failure(.malformed(reason: "expected one frame, got \(frames.count)"))
        }
        lock.withLock { log.append(result) }
        let body: Lethe_V1_Envelope.OneOf_Body
        var replyTo: UInt64 = 0
        switch result {
        case .failure(let error):
            body = .error(error.errorBody())
        case .success(let envelope):
            replyTo = envelope.messageNumber
            body = reply(to: envelope.body)
        }
        let envelope = WireCodec.envelope(senderID: "coordinator", replyTo: replyTo, body: body)
        return (try? WireCodec.encode(envelope)) ?? Data()
    }

    private func reply(to body: Lethe_V1_Envelope.OneOf_Body?) -> Lethe_V1_Envelope.OneOf_Body {
        switch body {
        case .hello:
            var welcome = Lethe_V1_Welcome()
            welcome.heartbeatIntervalMs = 1000; welcome.liveness = 3; welcome.maxMessageBytes = 1 << 20; welcome.modelVersion = 7
            return .welcome(welcome)
        case .heartbeat:
            var broadcast = Lethe_V1_MaskBroadcast()
            broadcast.requestID = "req-1"; broadcast.modelVersion = 7; broadcast.mask = Self.mask.wire; broadcast.fraction = 0.334
            return .maskBroadcast(broadcast)
        default:
            var error = Lethe_V1_Error()
            error.code = .unexpectedMessage; error.message = "this test server only answers hello and heartbeat"
            return .error(error)
        }
    }
}
