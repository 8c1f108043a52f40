import Foundation
import LetheTransport
import LetheWire

/// The thin socket loop around a `ClientNode`: it owns the transport on the calling thread (libzmq sockets are
/// single-threaded), hands each incoming message to a serial worker that owns the node and its state, sends what
/// the worker produced, and keeps heartbeating while a long phase trains, so the coordinator never mistakes a busy
/// client for a dead one.
///
/// Registration and liveness (zguide's Paranoid Pirate): the client repeats Hello every heartbeat interval until a
/// Welcome answers it, and when nothing arrives from the coordinator for `liveness` intervals it says Hello again,
/// which is how it rejoins a coordinator restarted from its ledger.
public final class ClientRunner: @unchecked Sendable {
    private let node: ClientNode
    private let transport: MessageTransport
    private let worker = DispatchQueue(label: "lethe.client.worker")
    private let lock = NSLock()
    /// Owned by `worker`.
    private var state: ClientState
    /// Guarded by `lock`: replies waiting to be sent, work items in flight, the stop request, the liveness contract.
    private var outbox: [Lethe_V1_Envelope] = []
    private var pending = 0
    private var stopRequested = false
    private var contract: (intervalMs: UInt32, liveness: UInt32)
    private var welcomes = 0
    /// Used only by the loop's thread.
    private var nextMessageNumber: UInt64 = 1
    private var heartbeatSequence: UInt64 = 0
    /// Whether the last send failed: a coordinator that is gone is reported once, not every heartbeat.
    private var sendsFailing = false
    /// Where accepted deletions are made durable before they are acknowledged (nil: memory only).
    private let journal: DeletionJournal?

    public init(node: ClientNode, transport: MessageTransport, state: ClientState = ClientState(),
                journal: DeletionJournal? = nil) {
        self.node = node
        self.transport = transport
        self.state = state
        self.journal = journal
        contract = (node.configuration.heartbeatIntervalMs, node.configuration.liveness)
    }

    /// Asks `run()` to return after its current iteration; safe from any thread (e.g. a signal handler's queue).
    public func stop() { lock.withLock { stopRequested = true } }

    /// The node's state once the work queued so far is done.
    public func currentState() -> ClientState { worker.sync { state } }

    /// Serves until `stop()`: Hello, then receive → handle → reply, with heartbeats every interval. Returns
    /// normally on `stop()` or when the transport is closed; send failures are logged and the loop goes on (the
    /// coordinator's timeouts and quorum rules handle a lost reply).
    public func run() {
        let clock = ContinuousClock()
        enqueue { node, state in [node.hello(state)] }
        var lastHeard = clock.now, lastHello = clock.now, welcomesAtHello = 0
        var lastBeat = clock.now
        while !lock.withLock({ stopRequested }) {
            flush()
            let (intervalMs, liveness) = lock.withLock { contract }
            let interval = Duration.milliseconds(Int64(intervalMs))
            let busy = lock.withLock { pending > 0 || !outbox.isEmpty }
            let wait = busy ? Duration.milliseconds(5) : min(.milliseconds(100), max(.zero, lastBeat + interval - clock.now))
            do {
                if let message = try transport.receive(timeout: wait) {
                    lastHeard = clock.now
                    accept(message)
                }
            } catch .closed {
                node.log("transport closed; client stops")
                return
            } catch {
                node.log("receive failed: \(error)")
            }
            if clock.now - lastBeat >= interval {
                heartbeatSequence += 1
                let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
                send(node.heartbeat(sequence: heartbeatSequence, sentUnixMs: now))
                lastBeat = clock.now
            }
            let silence = interval * Int(liveness)
            let welcomed = lock.withLock { welcomes } > welcomesAtHello
            let unanswered = !welcomed && clock.now - lastHello > interval
            let silent = clock.now - lastHeard > silence && clock.now - lastHello > silence
            if unanswered || silent {
                if silent { node.log("no word from the coordinator for \(silence); saying Hello again") }
                welcomesAtHello = lock.withLock { welcomes }
                enqueue { node, state in [node.hello(state)] }
                lastHello = clock.now
            }
        }
        flush()
    }

    /// Queues one received message for the worker; a multi-frame message is refused as malformed.
    private func accept(_ message: ReceivedMessage) {
        guard message.frames.count == 1, let bytes = message.frames.first else {
            let error = WireError.malformed(reason: "expected one frame per message, got \(message.frames.count)")
            enqueue { node, _ in
                [WireCodec.envelope(senderID: node.configuration.clientID, body: .error(error.errorBody()))]
            }
            return
        }
        let journal = journal
        enqueue { node, state in
            let (next, replies) = node.handle(bytes, state: state)
            if let journal, let problem = Self.record(from: state, to: next, in: journal, data: node.data) {
                // Not durable, so not acknowledged: the state stays as it was and the coordinator's timeout applies.
                node.log("could not record a deletion durably (\(problem)); it is NOT acknowledged")
                return []
            }
            state = next
            return replies
        }
    }

    /// Appends the deletions `next` accepted beyond `previous` to the journal; the problem when that failed.
    private static func record(from previous: ClientState, to next: ClientState, in journal: DeletionJournal,
                               data: ClientData) -> String? {
        for (id, job) in next.deletions where previous.deletions[id] == nil && job.ack.state == .recorded {
            let ids = job.forgetPositions.map { data.train.ids[$0] }
            guard !ids.isEmpty else { continue }
            do { try journal.append(requestID: id, ids: ids) } catch { return "\(error)" }
        }
        return nil
    }

    /// Runs `work` on the worker with the node's state; its envelopes go to the outbox.
    private func enqueue(_ work: @escaping @Sendable (ClientNode, inout ClientState) -> [Lethe_V1_Envelope]) {
        lock.withLock { pending += 1 }
        worker.async { [self] in
            let replies = work(node, &state)
            let (welcome, count) = (state.welcome, state.welcomeCount)
            lock.withLock {
                outbox += replies
                pending -= 1
                welcomes = count
                if let welcome { contract = (welcome.heartbeatIntervalMs, welcome.liveness) }
            }
        }
    }

    /// Sends everything in the outbox, in order.
    private func flush() {
        for envelope in lock.withLock({ () -> [Lethe_V1_Envelope] in defer { outbox = [] }; return outbox }) {
            send(envelope)
        }
    }

    /// Stamps the next message number and sends; failures are logged, not fatal.
    private func send(_ envelope: Lethe_V1_Envelope) {
        var stamped = envelope
        stamped.messageNumber = nextMessageNumber
        nextMessageNumber += 1
        do {
            try transport.send([try WireCodec.encode(stamped)], to: .server)
            if sendsFailing { node.log("sending works again") }
            sendsFailing = false
        } catch {
            let kind = envelope.body?.fieldName ?? "message"
            if case .heartbeat = envelope.body, sendsFailing { return }
            node.log("could not send \(kind): \(error)")
            sendsFailing = true
        }
    }
}
