import Foundation

/// Many clients of one in-process server behind one inbox, for hosting a thousand virtual clients on one thread:
/// waiting on a thousand endpoints would wake a thousand threads per message, this waits once.
///
/// Each member is an ordinary `InProcessTransport` for sending (the server sees it under its own peer id); what the
/// server sends to any member lands in the group's FIFO inbox, tagged with the member it is for. The inbox holds at
/// most `capacity` messages: a server that sends faster than the host consumes waits in `send` (as a ZeroMQ socket
/// at its high-water mark would block), so a model broadcast to every member never queues a thousand copies.
public final class InProcessClientGroup: @unchecked Sendable {
    private let network: InProcessNetwork
    private let capacity: Int
    /// Guarded by `network.condition`.
    private var inbox = FIFOQueue<(recipient: PeerID, message: ReceivedMessage)>()
    private var closed = false
    /// The members, by peer id (the transports they send with).
    public let members: [PeerID: InProcessTransport]

    init(network: InProcessNetwork, members: [PeerID: InProcessTransport], capacity: Int) {
        self.network = network
        self.members = members
        self.capacity = capacity
    }

    /// Queues `message` for `recipient`, waiting while the inbox is full. Called by a sender holding the lock.
    func deliver(_ message: ReceivedMessage, to recipient: PeerID) throws(TransportError) {
        while inbox.count >= capacity && !closed { network.condition.wait() }
        guard !closed else { throw .peerUnreachable(peer: recipient) }
        inbox.append((recipient, message))
        network.condition.broadcast()
    }

    /// The next message for any member, waiting at most `timeout`; nil when none arrived in time.
    public func receive(timeout: Duration) throws(TransportError) -> (recipient: PeerID, message: ReceivedMessage)? {
        try network.waiting(atMost: timeout, until: { !inbox.isEmpty || closed }) { () throws(TransportError) in
            guard !closed else { throw .closed }
            guard let next = inbox.popFirst() else { return nil }
            network.condition.broadcast()  // a sender may wait for room
            return next
        }
    }

    /// Closes the group and every member; a sender waiting for room is released with `.peerUnreachable`.
    public func close() {
        network.condition.withLock {
            closed = true
            network.condition.broadcast()
        }
        for member in members.values { member.close() }
    }
}

extension InProcessNetwork {
    /// Clients of the server `name`, one per identity, whose incoming messages share one inbox of `capacity`.
    public func connectGroup(_ name: String, identities: [PeerID], capacity: Int = 64)
        throws(TransportError) -> InProcessClientGroup {
        guard capacity >= 1 else { throw .inProcessEndpoint(name: name, reason: "a group needs room for a message") }
        var members: [PeerID: InProcessTransport] = [:]
        for identity in identities { members[identity] = try connect(name, identity: identity) }
        let group = InProcessClientGroup(network: self, members: members, capacity: capacity)
        condition.withLock { for member in members.values { member.group = group } }
        return group
    }
}
