/// Clients' answers released in the clients' sorted order, whatever order they arrive in.
///
/// Why: a phase's answers are folded into a running aggregate as they arrive, so the coordinator never holds a
/// thousand holders' reports at once; but float sums depend on their order and arrival order depends on scheduling.
/// An answer that arrives early waits only until every client before it has answered, so the fold is the same for
/// every arrival order.
struct SortedArrivals<Item: Sendable>: Sendable {
    private let order: [ClientID]
    private var next = 0
    private var waiting: [ClientID: Item] = [:]

    init(_ clients: Set<ClientID>) { order = clients.sorted() }

    /// Answers received but not yet released.
    var waitingCount: Int { waiting.count }

    /// Stores `client`'s answer and returns the answers it releases, in order (none while an earlier client is due).
    mutating func arrive(_ item: Item, from client: ClientID) -> [Item] {
        waiting[client] = item
        var ready: [Item] = []
        while next < order.count, let item = waiting.removeValue(forKey: order[next]) {
            ready.append(item)
            next += 1
        }
        return ready
    }

    /// The answers still waiting behind a client that never answered, in order (at the end of a phase).
    var remaining: [Item] { order[next...].compactMap { waiting[$0] } }
}
