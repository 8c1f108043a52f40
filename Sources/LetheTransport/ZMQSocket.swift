import CZeroMQ
import Foundation

/// One libzmq socket: options, bind/connect, and multipart send/receive on `zmq_msg_t`.
///
/// Ownership: a socket is used by one thread at a time (libzmq sockets are not thread-safe). It may be created on
/// one thread and handed to another, which is why it is `@unchecked Sendable`; it must never be used from two
/// threads concurrently. `close()` (or deinit) closes the socket before releasing the context it retains.
final class ZMQSocket: @unchecked Sendable {
    private var handle: UnsafeMutableRawPointer?
    let context: ZMQContext
    let options: SocketOptions

    init(context: ZMQContext, type: Int32, options: SocketOptions) throws(TransportError) {
        guard let handle = zmq_socket(context.handle, type) else { throw .lastZMQ("zmq_socket") }
        self.handle = handle
        self.context = context
        self.options = options
        try set(ZMQ_LINGER, options.lingerMilliseconds, "ZMQ_LINGER")
        try set(ZMQ_SNDHWM, options.sendHighWaterMark, "ZMQ_SNDHWM")
        try set(ZMQ_RCVHWM, options.receiveHighWaterMark, "ZMQ_RCVHWM")
        try set(ZMQ_MAXMSGSIZE, options.maxMessageBytes, "ZMQ_MAXMSGSIZE")
        try set(ZMQ_HEARTBEAT_IVL, options.heartbeatIntervalMilliseconds, "ZMQ_HEARTBEAT_IVL")
        try set(ZMQ_HEARTBEAT_TIMEOUT, options.heartbeatTimeoutMilliseconds, "ZMQ_HEARTBEAT_TIMEOUT")
        try set(ZMQ_SNDTIMEO, options.sendTimeoutMilliseconds, "ZMQ_SNDTIMEO")
    }

    deinit { close() }

    /// Closes the socket; idempotent. Pending messages are dropped (linger 0).
    func close() {
        if let handle { zmq_close(handle) }
        handle = nil
    }

    func liveHandle() throws(TransportError) -> UnsafeMutableRawPointer {
        guard let handle else { throw .closed }
        return handle
    }

    func set<T: FixedWidthInteger>(_ option: Int32, _ value: T, _ name: String) throws(TransportError) {
        var value = value
        let socket = try liveHandle()
        guard zmq_setsockopt(socket, option, &value, MemoryLayout<T>.size) == 0 else { throw .lastZMQ("set \(name)") }
    }

    /// Sets a string option, passing the terminating NUL (libzmq reads 41 bytes as a Z85 key).
    func set(_ option: Int32, string: String, _ name: String) throws(TransportError) {
        let socket = try liveHandle()
        let bytes = Array(string.utf8) + [0]
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw .lastZMQ("set \(name)") }
    }

    /// Binds and returns the resolved endpoint (ZMQ_LAST_ENDPOINT: `tcp://127.0.0.1:*` becomes the real port).
    func bind(_ endpoint: String) throws(TransportError) -> String {
        let socket = try liveHandle()
        guard zmq_bind(socket, endpoint) == 0 else { throw .lastZMQ("zmq_bind(\(endpoint))") }
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        guard zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { throw .lastZMQ("get ZMQ_LAST_ENDPOINT") }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func connect(_ endpoint: String) throws(TransportError) {
        let socket = try liveHandle()
        guard zmq_connect(socket, endpoint) == 0 else { throw .lastZMQ("zmq_connect(\(endpoint))") }
    }

    /// Waits until a message can be read; false on timeout.
    func pollIn(timeout: Duration) throws(TransportError) -> Bool {
        var item = zmq_pollitem_t(socket: try liveHandle(), fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        while true {
            let rc = zmq_poll(&item, 1, Int(timeout.clampedMilliseconds))
            if rc >= 0 { return rc > 0 }
            if zmq_errno() != EINTR { throw .lastZMQ("zmq_poll") }
        }
    }
}
