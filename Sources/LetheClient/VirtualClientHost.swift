import Foundation
import LetheTransport
import LetheWire

/// Many client nodes in one process over the in-process transport (`lethe simulate --virtual-clients N`): each
/// node keeps its own data, state and message numbers and speaks the same protocol as a `lethe client` process,
/// so the coordinator cannot tell them apart; what they share is the machinery.
///
/// - One loop thread receives for every node (one `InProcessClientGroup` inbox), sends their heartbeats and their
///   Hellos, and hands each message to its node's worker.
/// - `workers` serial queues run the handlers; node i always runs on worker i mod W, so a node's messages are
///   handled in order, and the nodes of one worker share that worker's scratch model.
/// - At most `maxInFlight` messages wait for the workers: the loop stops taking messages beyond that, the group's
///   inbox fills, and the coordinator's sends wait (backpressure), so a broadcast never holds N models in queues.
///
/// Differences from `ClientRunner`, because nothing here crosses a network: an unanswered Hello is repeated only
/// after `helloRetry` (the in-process transport never loses one, and a coordinator answering a thousand Hellos with
/// a model each would only be slowed by repeats), and there is no deletion journal (deletions last as long as the
/// process, like the simulation itself).
public final class VirtualClientHost: @unchecked Sendable {
    /// What the loop thread knows about one node.
    private struct Session {
        var lastHeard: ContinuousClock.Instant
        var lastHello: ContinuousClock.Instant
        var welcomesAtHello = 0
    }

    private let nodes: [ClientNode]
    private let group: InProcessClientGroup
    private let transports: [InProcessTransport]
    private let indexByPeer: [PeerID: Int]
    private let queues: [DispatchQueue]
    private let inFlight: DispatchSemaphore
    private let helloRetry: Duration
    private let lock = NSLock()
    /// Node i's state, each box touched only by node i's worker (an array element mutated from two threads
    /// would be a data race on the array; boxes are separate objects).
    private let states: [StateBox]
    /// Guarded by `lock`: message numbers (stamped and sent under the lock, so they leave in order), welcomes
    /// seen, liveness contracts, the stop request.
    private var nextMessageNumber: [UInt64]
    private var welcomes: [Int]
    private var contract: (intervalMs: UInt32, liveness: UInt32)
    private var stopRequested = false
    private var failingSends = Set<Int>()

    /// - Parameters:
    ///   - nodes: one per member of `group`, in any order; node i is `group`'s member with its client id.
    ///   - workers: serial worker queues (use the cores the handlers may take).
    public init(nodes: [ClientNode], group: InProcessClientGroup, workers: Int, maxInFlight: Int = 8,
                helloRetry: Duration = .seconds(30), states: [ClientState]? = nil) {
        precondition(!nodes.isEmpty && workers >= 1 && maxInFlight >= 1)
        self.nodes = nodes
        self.group = group
        transports = nodes.map { group.members[PeerID(Data($0.configuration.clientID.utf8))]! }
        indexByPeer = Dictionary(uniqueKeysWithValues: nodes.indices.map {
            (PeerID(Data(nodes[$0].configuration.clientID.utf8)), $0)
        })
        queues = (0..<workers).map { DispatchQueue(label: "lethe.virtual-clients.worker-\($0)") }
        inFlight = DispatchSemaphore(value: maxInFlight)
        self.helloRetry = helloRetry
        self.states = (states ?? Array(repeating: ClientState(), count: nodes.count)).map(StateBox.init)
        nextMessageNumber = Array(repeating: 1, count: nodes.count)
        welcomes = Array(repeating: 0, count: nodes.count)
        contract = (nodes[0].configuration.heartbeatIntervalMs, nodes[0].configuration.liveness)
    }

    /// Asks `run()` to return after its current iteration; safe from any thread.
    public func stop() { lock.withLock { stopRequested = true } }

    /// Node `index`'s state once the work queued for it so far is done.
    public func state(of index: Int) -> ClientState { queues[index % queues.count].sync { states[index].state } }

    /// Serves every node until `stop()` or until the group is closed; then waits for the workers to finish.
    public func run() {
        let clock = ContinuousClock()
        var sessions = nodes.indices.map { _ in Session(lastHeard: clock.now, lastHello: clock.now) }
        for index in nodes.indices {
            inFlight.wait()
            enqueue(index) { node, state in [node.hello(state)] }
        }
        var lastBeat = clock.now, heartbeatSequence: UInt64 = 0
        while !lock.withLock({ stopRequested }) {
            let (intervalMs, liveness) = lock.withLock { contract }
            let interval = Duration.milliseconds(Int64(intervalMs))
            if inFlight.wait(timeout: .now() + .milliseconds(20)) == .success {
                do {
                    if let (recipient, message) = try group.receive(timeout: .milliseconds(20)),
                       let index = indexByPeer[recipient] {
                        sessions[index].lastHeard = clock.now
                        accept(message, for: index)  // signals `inFlight` when handled
                    } else {
                        inFlight.signal()
                    }
                } catch {
                    inFlight.signal()
                    nodes[0].log("virtual clients: transport closed; \(nodes.count) client(s) stop")
                    break
                }
            }
            if clock.now - lastBeat >= interval {
                heartbeatSequence += 1
                beat(sequence: heartbeatSequence)
                lastBeat = clock.now
            }
            sayHelloWhereNeeded(&sessions, interval: interval, liveness: liveness, now: clock.now)
        }
        for queue in queues { queue.sync {} }
    }

    /// Hello again for a node not welcomed within `helloRetry`, or silent for `liveness` intervals (the
    /// coordinator restarted), as `ClientRunner` does for one node.
    private func sayHelloWhereNeeded(_ sessions: inout [Session], interval: Duration, liveness: UInt32,
                                     now: ContinuousClock.Instant) {
        let seen = lock.withLock { welcomes }
        let silence = max(interval * Int(liveness), helloRetry)
        for index in nodes.indices {
            let session = sessions[index]
            let unanswered = seen[index] == session.welcomesAtHello && now - session.lastHello > helloRetry
            let silent = now - session.lastHeard > silence && now - session.lastHello > silence
            guard unanswered || silent else { continue }
            if silent { nodes[index].log("no word from the coordinator for \(silence); saying Hello again") }
            sessions[index].welcomesAtHello = seen[index]
            sessions[index].lastHello = now
            inFlight.wait()
            enqueue(index) { node, state in [node.hello(state)] }
        }
    }

    /// A heartbeat from every welcomed node.
    private func beat(sequence: UInt64) {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let welcomed = lock.withLock { welcomes }
        for index in nodes.indices where welcomed[index] > 0 {
            send(nodes[index].heartbeat(sequence: sequence, sentUnixMs: now), from: index)
        }
    }

    /// Queues one received message for node `index`'s worker; a multi-frame message is refused as malformed.
    private func accept(_ message: ReceivedMessage, for index: Int) {
        guard message.frames.count == 1, let bytes = message.frames.first else {
            let error = WireError.malformed(reason: "expected one frame per message, got \(message.frames.count)")
            enqueue(index) { node, _ in
                [WireCodec.envelope(senderID: node.configuration.clientID, body: .error(error.errorBody()))]
            }
            return
        }
        enqueue(index) { node, state in
            let (next, replies) = node.handle(bytes, state: state)
            state = next
            return replies
        }
    }

    /// Runs `work` on node `index`'s worker and sends its replies; signals `inFlight` when done (the caller waited).
    private func enqueue(_ index: Int, _ work: @escaping @Sendable (ClientNode, inout ClientState) -> [Lethe_V1_Envelope]) {
        queues[index % queues.count].async { [self] in
            let box = states[index]
            let replies = work(nodes[index], &box.state)
            let (welcome, count) = (box.state.welcome, box.state.welcomeCount)
            for reply in replies { send(reply, from: index) }
            lock.withLock {
                welcomes[index] = count
                if let welcome { contract = (welcome.heartbeatIntervalMs, welcome.liveness) }
            }
            inFlight.signal()
        }
    }

    /// Stamps node `index`'s next message number and sends; a failure is logged once until sending works again.
    private func send(_ envelope: Lethe_V1_Envelope, from index: Int) {
        lock.withLock {
            var stamped = envelope
            stamped.messageNumber = nextMessageNumber[index]
            nextMessageNumber[index] += 1
            do {
                try transports[index].send([try WireCodec.encode(stamped)], to: .server)
                if failingSends.remove(index) != nil { nodes[index].log("sending works again") }
            } catch {
                if failingSends.insert(index).inserted {
                    nodes[index].log("could not send \(envelope.body?.fieldName ?? "message"): \(error)")
                }
            }
        }
    }
}

/// One node's state, as a reference its worker mutates in place.
private final class StateBox: @unchecked Sendable {
    var state: ClientState
    init(_ state: ClientState) { self.state = state }
}
