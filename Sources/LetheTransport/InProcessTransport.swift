import Foundation

/// A deterministic in-memory network for tests: named servers, FIFO delivery, no threads, no sockets.
///
/// It mirrors the ZeroMQ semantics the protocol relies on (a server sees each client under a peer id, a client's
/// one peer is `.server`, a frame over `maxMessageBytes` is dropped, sending to an unknown peer throws
/// `.peerUnreachable`), so coordinator and client logic can be tested exactly, as swift-nio pairs real and
/// embedded channels. Thread-safe: every queue is guarded by one lock.
public final class InProcessNetwork: @unchecked Sendable {
    let condition = NSCondition()
    var servers: [String: InProcessTransport] = [:]
    public init() {}

    /// A server endpoint named `name`.
    public func bind(_ name: String, maxMessageBytes: Int = .max) throws(TransportError) -> InProcessTransport {
        condition.lock()
        defer { condition.unlock() }
        guard servers[name] == nil else { throw .inProcessEndpoint(name: name, reason: "already bound") }
        let server = InProcessTransport(network: self, name: name, identity: .server, userID: nil,
                                        maxMessageBytes: maxMessageBytes)
        servers[name] = server
        return server
    }

    /// A client of the server `name`, seen there as `identity` with the authenticated `userID` (nil: none).
    public func connect(_ name: String, identity: PeerID, userID: String? = nil) throws(TransportError) -> InProcessTransport {
        condition.lock()
        defer { condition.unlock() }
        guard let server = servers[name] else { throw .inProcessEndpoint(name: name, reason: "nothing bound") }
        let client = InProcessTransport(network: self, name: name, identity: identity, userID: userID,
                                        maxMessageBytes: .max)
        server.clients[identity] = client
        return client
    }
}

extension InProcessNetwork {
    /// Takes the network's lock, waits at most `timeout` until `ready()` holds, then runs `body` still holding it:
    /// how every in-process receive waits for its inbox.
    func waiting<T>(atMost timeout: Duration, until ready: () -> Bool,
                    then body: () throws(TransportError) -> T) throws(TransportError) -> T {
        let deadline = Date().addingTimeInterval(Double(timeout.clampedMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while !ready() {
            guard condition.wait(until: deadline) else { break }
        }
        return try body()
    }
}

/// One endpoint of an `InProcessNetwork`.
public final class InProcessTransport: MessageTransport, @unchecked Sendable {
    private let network: InProcessNetwork
    private let name: String
    let identity: PeerID
    private let userID: String?
    private let maxMessageBytes: Int
    var clients: [PeerID: InProcessTransport] = [:]
    private var inbox = FIFOQueue<ReceivedMessage>()
    var closed = false
    /// Set on the members of an `InProcessClientGroup`: what is sent to them lands in the group's one inbox.
    weak var group: InProcessClientGroup?
    /// Messages dropped because a frame exceeded `maxMessageBytes` (as ZMQ_MAXMSGSIZE would).
    public private(set) var droppedOversized = 0

    init(network: InProcessNetwork, name: String, identity: PeerID, userID: String?, maxMessageBytes: Int) {
        self.network = network
        self.name = name
        self.identity = identity
        self.userID = userID
        self.maxMessageBytes = maxMessageBytes
    }

    public func send(_ frames: [Data], to peer: PeerID) throws(TransportError) {
        guard !frames.isEmpty else { throw .emptyMessage }
        let condition = network.condition
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { throw .closed }
        let target: InProcessTransport?
        if identity == .server { target = clients[peer] } else { target = peer == .server ? network.servers[name] : nil }
        guard let target, !target.closed else { throw .peerUnreachable(peer: peer) }
        if frames.contains(where: { $0.count > target.maxMessageBytes }) {
            target.droppedOversized += 1
            return
        }
        if let group = target.group {
            try group.deliver(ReceivedMessage(peer: identity, frames: frames, userID: userID), to: target.identity)
            return
        }
        target.inbox.append(ReceivedMessage(peer: identity, frames: frames, userID: userID))
        condition.broadcast()
    }

    public func receive(timeout: Duration) throws(TransportError) -> ReceivedMessage? {
        try network.waiting(atMost: timeout, until: { !inbox.isEmpty || closed }) { () throws(TransportError) in
            guard !closed else { throw .closed }
            return inbox.popFirst()
        }
    }

    public func close() {
        network.condition.withLock {
            closed = true
            if identity == .server, network.servers[name] === self { network.servers[name] = nil }
            network.condition.broadcast()
        }
    }
}

/// A first-in first-out queue whose pop is O(1) (an array and a head index, compacted once half is consumed):
/// a coordinator's inbox can hold thousands of heartbeats while it is busy, and `removeFirst` would move them all.
struct FIFOQueue<Element> {
    private var items: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ item: Element) { items.append(item) }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head >= 1024, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
