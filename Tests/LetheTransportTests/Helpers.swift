import Foundation
import LetheTransport

/// A ROUTER echo loop on its own thread: answers every message with its frames plus the sender's User-Id.
/// The transport is handed to the thread (one socket, one thread) and closed there.
final class EchoServer: @unchecked Sendable {
    let endpoint: String
    private let lock = NSLock()
    private var stopFlag = false
    private var received: [ReceivedMessage] = []
    private let done = DispatchSemaphore(value: 0)

    init(_ router: ZMQTransport) {
        endpoint = router.endpoint
        Thread { [self] in
            defer { router.close(); done.signal() }
            while !lock.withLock({ stopFlag }) {
                guard let message = try? router.receive(timeout: .milliseconds(20)) else { continue }
                lock.withLock { received.append(message) }
                try? router.send(message.frames + [Data((message.userID ?? "").utf8)], to: message.peer)
            }
        }.start()
    }

    /// Everything the server received so far.
    var messages: [ReceivedMessage] { lock.withLock { received } }

    func stop() {
        lock.withLock { stopFlag = true }
        done.wait()
    }
}

/// Sends `frames` and waits for the echo; nil when none came within `timeout`.
func roundTrip(_ client: ZMQTransport, _ frames: [Data], timeout: Duration = .seconds(3)) throws -> ReceivedMessage? {
    try client.send(frames, to: .server)
    return try client.receive(timeout: timeout)
}

/// Test socket options. Exchanges that must succeed get a generous send timeout (a loaded CI machine may take a
/// while to finish a CURVE handshake); those that must be refused pass a short one so they fail fast.
func testOptions(maxMessageBytes: Int64 = 1 << 20, sendTimeoutMilliseconds: Int32 = 5000) -> SocketOptions {
    var options = SocketOptions()
    options.maxMessageBytes = maxMessageBytes
    options.sendTimeoutMilliseconds = sendTimeoutMilliseconds
    return options
}

/// Options for a client whose sends are expected to time out.
let refusedOptions = testOptions(sendTimeoutMilliseconds: 500)

/// Lines reported from other threads (a `HandshakeRefusals` report).
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
