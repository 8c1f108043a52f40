import CZeroMQ
import Foundation

/// Keeps a frame's bytes alive while libzmq sends them without a copy; released by `releaseFrame` on the io thread.
private final class FrameBox {
    let data: Data
    init(_ data: Data) { self.data = data }
}

/// libzmq's free callback for zero-copy frames: drops the retain taken when the frame was handed over.
private let releaseFrame: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { _, hint in
    if let hint { Unmanaged<FrameBox>.fromOpaque(hint).release() }
}

/// A received `zmq_msg_t` that owns the bytes a no-copy `Data` points into; closed when the `Data` is freed.
private struct OwnedMessage: @unchecked Sendable {
    let message: UnsafeMutablePointer<zmq_msg_t>
    func free() {
        zmq_msg_close(message)
        message.deallocate()
    }
}

extension ZMQSocket {
    /// Sends `frames` as one multipart message. Frames of at least `zeroCopyThreshold` bytes are handed to libzmq
    /// without copying: the frame's `Data` is retained until libzmq's io thread has written it. This is safe because
    /// `Data` is a value whose storage is immutable while the box holds it, and at that size it is heap storage
    /// (small `Data` values live inline, where a pointer would not outlive the closure: hence the 1 KiB floor).
    func send(_ frames: [Data]) throws(TransportError) {
        let socket = try liveHandle()
        let zeroCopyFrom = max(options.zeroCopyThreshold, 1024)
        for (index, frame) in frames.enumerated() {
            let flags = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            var message = zmq_msg_t()
            if frame.count >= zeroCopyFrom {
                let box = FrameBox(frame)
                let hint = Unmanaged.passRetained(box).toOpaque()
                let base = box.data.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress!) }
                guard zmq_msg_init_data(&message, base, frame.count, releaseFrame, hint) == 0 else {
                    Unmanaged<FrameBox>.fromOpaque(hint).release()
                    throw .lastZMQ("zmq_msg_init_data")
                }
            } else {
                guard zmq_msg_init_size(&message, frame.count) == 0 else { throw .lastZMQ("zmq_msg_init_size") }
                if !frame.isEmpty { frame.withUnsafeBytes { zmq_msg_data(&message).copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
            }
            if zmq_msg_send(&message, socket, flags) < 0 {
                let code = zmq_errno()
                zmq_msg_close(&message)
                if code == EAGAIN { throw .sendTimedOut(milliseconds: options.sendTimeoutMilliseconds) }
                if code == EHOSTUNREACH { throw .peerUnreachable(peer: PeerID(frame)) }
                throw .lastZMQ("zmq_msg_send")
            }
        }
    }

    /// Reads all frames of the next message (which must be ready: call after `pollIn`) and the ZAP User-Id.
    func receiveFrames() throws(TransportError) -> (frames: [Data], userID: String?) {
        let socket = try liveHandle()
        var frames: [Data] = []
        var userID: String?
        repeat {
            let owned = OwnedMessage(message: .allocate(capacity: 1))
            zmq_msg_init(owned.message)
            guard zmq_msg_recv(owned.message, socket, ZMQ_DONTWAIT) >= 0 else {
                owned.free()
                throw .lastZMQ("zmq_msg_recv")
            }
            if userID == nil, let property = zmq_msg_gets(owned.message, "User-Id") { userID = String(cString: property) }
            let size = zmq_msg_size(owned.message)
            if size >= options.zeroCopyThreshold {
                frames.append(Data(bytesNoCopy: zmq_msg_data(owned.message), count: size,
                                   deallocator: .custom { _, _ in owned.free() }))
            } else {
                frames.append(Data(bytes: zmq_msg_data(owned.message), count: size))
                owned.free()
            }
        } while hasMore(socket)
        return (frames, userID)
    }

    private func hasMore(_ socket: UnsafeMutableRawPointer) -> Bool {
        var more: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &size) == 0 && more != 0
    }
}
