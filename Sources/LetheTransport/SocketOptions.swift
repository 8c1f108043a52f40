/// Socket settings applied before bind/connect (libzmq copies options when the endpoint is created, so
/// ZMQ_MAXMSGSIZE set afterwards is silently ignored: FEDERATED.md §5.1).
///
/// Defaults differ from libzmq's on purpose: linger 0 (libzmq's −1 can block `zmq_ctx_term` forever), a size limit
/// (libzmq's is none), ZMTP heartbeats on (libzmq's are off), and modest high-water marks so memory stays bounded.
public struct SocketOptions: Sendable, Equatable {
    /// How long unsent messages are kept after close (ZMQ_LINGER).
    public var lingerMilliseconds: Int32 = 0
    /// Outgoing messages queued per peer before sends block or fail (ZMQ_SNDHWM).
    public var sendHighWaterMark: Int32 = 64
    /// Incoming messages queued per peer (ZMQ_RCVHWM).
    public var receiveHighWaterMark: Int32 = 64
    /// Largest frame accepted; a peer sending a larger one is disconnected (ZMQ_MAXMSGSIZE). −1 disables.
    public var maxMessageBytes: Int64 = (64 << 20) + (64 << 10)
    /// ZMTP ping interval (ZMQ_HEARTBEAT_IVL); 0 disables.
    public var heartbeatIntervalMilliseconds: Int32 = 1000
    /// Silence after a ping before the connection is dropped (ZMQ_HEARTBEAT_TIMEOUT).
    public var heartbeatTimeoutMilliseconds: Int32 = 3000
    /// How long a send may wait for room in the queue before failing with `.sendTimedOut` (ZMQ_SNDTIMEO).
    public var sendTimeoutMilliseconds: Int32 = 2000
    /// Frames at least this large are sent without copying (zmq_msg_init_data) and received without copying.
    public var zeroCopyThreshold: Int = 64 << 10

    public init() {}
}
