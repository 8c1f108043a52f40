import LetheFederation
import LetheTransport

/// The clients a coordinator knows: their transport peer, what their Hello said, and when they were last heard.
///
/// Liveness follows zguide's Paranoid Pirate: any message counts as a sign of life; a client silent for
/// `liveness` heartbeat intervals is dead until it says Hello again.
struct ClientRegistry {
    struct Session {
        var peer: PeerID
        var sampleCount: UInt64
        var classLabels: Set<UInt32>
        var lastSeen: Double
        var alive: Bool
    }

    private(set) var sessions: [ClientID: Session] = [:]
    /// The CURVE key (ZAP User-Id) that first registered each client id: over CURVE an id belongs to one key for
    /// the coordinator's lifetime, so one allow-listed key cannot claim another client's id.
    private var owners: [ClientID: String] = [:]

    /// Why `client` may not register from `peer` (authenticated as `userID`), or nil. Over CURVE the id must be
    /// unclaimed or claimed by the same key (which may move to a new connection: a restart). In plaintext a live
    /// session keeps its connection: a second connection with the same id is refused until the first has been
    /// silent long enough to be declared dead, so a restarted client gets back in within the liveness window and
    /// a stranger cannot take over a live one and be sent its model.
    func admissionProblem(_ client: ClientID, peer: PeerID, userID: String?) -> String? {
        if let userID {
            guard let owner = owners[client], owner != userID else { return nil }
            return "client id \(client) belongs to another CURVE key"
        }
        guard let session = sessions[client], session.alive, session.peer != peer else { return nil }
        return "client \(client) is already joined on another connection; a restarted client is admitted once "
            + "that connection has been silent for the liveness window"
    }

    /// Registers (or re-registers) a client; returns true when it was known and had been declared dead or moved
    /// to a new connection (a comeback the running job should hear about).
    mutating func hello(_ client: ClientID, peer: PeerID, userID: String? = nil, sampleCount: UInt64,
                        labels: Set<UInt32>, now: Double) -> Bool {
        if let userID { owners[client] = userID }
        let comeback = sessions[client].map { !$0.alive || $0.peer != peer } ?? false
        sessions[client] = Session(peer: peer, sampleCount: sampleCount, classLabels: labels, lastSeen: now, alive: true)
        return comeback
    }

    /// The client registered on `peer` under `client`, if that is who it claims to be.
    func session(_ client: ClientID, peer: PeerID) -> Session? {
        guard let session = sessions[client], session.peer == peer, session.alive else { return nil }
        return session
    }

    mutating func heard(_ client: ClientID, now: Double) {
        sessions[client]?.lastSeen = now
    }

    /// Marks clients silent for longer than `deadAfter` seconds as dead and returns them.
    mutating func expire(now: Double, deadAfter: Double) -> [ClientID] {
        // A plain loop, not `filter`: this runs every coordinator step, and filtering built a new dictionary of all
        // sessions each time (17 % of the coordinator's samples at a thousand clients).
        var dead: [ClientID] = []
        for (client, session) in sessions where session.alive && now - session.lastSeen > deadAfter {
            dead.append(client)
        }
        dead.sort()
        for client in dead { sessions[client]?.alive = false }
        return dead
    }

    mutating func markDead(_ client: ClientID) { sessions[client]?.alive = false }

    var alive: [ClientID: Session] { sessions.filter { $0.value.alive } }
    /// Every class some client has declared since the coordinator started (alive or not).
    var declaredLabels: Set<UInt32> { sessions.values.reduce(into: []) { $0.formUnion($1.classLabels) } }
    var aliveLabels: [ClientID: Set<UInt32>] { alive.mapValues(\.classLabels) }
    func peer(of client: ClientID) -> PeerID? { sessions[client].flatMap { $0.alive ? $0.peer : nil } }
}
