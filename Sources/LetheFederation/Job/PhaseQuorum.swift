/// Who a phase waits for, until when, and what to do when someone dies (ARCHITECTURE.md: "a non-holder that dies
/// is dropped from the quorum; if a forget holder dies the job waits for it to come back up to the timeout").
///
/// `required` clients (forget holders) must answer; the others count when they answer and are dropped when they die
/// or miss the deadline.
public struct PhaseQuorum: Equatable, Sendable {
    public private(set) var asked: Set<ClientID>
    public private(set) var required: Set<ClientID>
    public private(set) var answered: Set<ClientID> = []
    /// Required clients currently considered dead (waiting for them to come back).
    public private(set) var down: Set<ClientID> = []
    public let deadline: Double

    public init(asked: Set<ClientID>, required: Set<ClientID>, deadline: Double) {
        precondition(required.isSubset(of: asked), "every required client must be asked")
        self.asked = asked
        self.required = required
        self.deadline = deadline
    }

    /// Clients still expected to answer.
    public var pending: Set<ClientID> { asked.subtracting(answered) }
    /// True once every client still asked has answered (`answered` ⊆ `asked` always holds, so counts suffice: this
    /// is asked after every reply, and a thousand-client phase made the set difference quadratic).
    public var isComplete: Bool { answered.count == asked.count }

    /// Whether `client` is asked and has not answered yet, without building `pending`.
    public func isPending(_ client: ClientID) -> Bool { asked.contains(client) && !answered.contains(client) }

    /// Records an answer; false when the client was not asked or already answered (a replay).
    public mutating func record(_ client: ClientID) -> Bool {
        guard asked.contains(client), !answered.contains(client) else { return false }
        answered.insert(client)
        down.remove(client)
        return true
    }

    /// A client died: a pending optional client is dropped (returns true), a pending required one is marked down.
    public mutating func clientDied(_ client: ClientID) -> Bool {
        guard isPending(client) else { return false }
        if required.contains(client) {
            down.insert(client)
            return false
        }
        asked.remove(client)
        return true
    }

    /// A required client that was down is back; true when it still owes an answer (so it should be asked again).
    public mutating func clientReturned(_ client: ClientID) -> Bool {
        down.remove(client)
        return isPending(client)
    }

    /// At or past the deadline: the required clients that never answered (the phase fails if any), after dropping
    /// the optional ones that did not answer.
    public mutating func expire(now: Double) -> Set<ClientID>? {
        guard now >= deadline else { return nil }
        let missingRequired = pending.intersection(required)
        asked = answered.union(missingRequired)
        return missingRequired
    }
}
