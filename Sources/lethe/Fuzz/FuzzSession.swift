import Foundation
import LetheTransport
import LetheWire

/// One fuzz session against a running coordinator, over one DEALER connection from this (separate) process.
/// Messages go one at a time: each is classified the way the coordinator must see it (does it decode? who sent
/// it?) and its answer awaited, so a missing or untyped answer is pinned to the message that caused it.
final class FuzzSession {
    struct Report: Codable {
        var messages = 0
        var byDamage: [String: Int] = [:]
        /// Answers by kind: an error code name, "welcome" or "deletion_ack".
        var answers: [String: Int] = [:]
        var expectedAnswers = 0
        /// Messages that needed an answer and got none within the timeout.
        var unanswered = 0
        /// Decodable but wrong messages answered by anything but a typed Error naming them in `in_reply_to`.
        var untyped = 0
        var examples: [String] = []
        var probes = 0
        var failedProbes = 0
    }

    private let transport: ZMQTransport
    private var corpus: FuzzCorpus
    private let answerTimeout: Double
    private(set) var report = Report()
    private var lastHeartbeat = Date.distantPast

    init(endpoint: String, seed: UInt64, answerTimeout: Double = 3) throws {
        var options = SocketOptions()
        options.maxMessageBytes = 128 << 20
        transport = try ZMQTransport.dealer(context: ZMQContext(), connect: endpoint, options: options)
        corpus = FuzzCorpus(seed: seed)
        self.answerTimeout = answerTimeout
    }

    deinit { transport.close() }

    /// Says Hello as the admitted fuzzer and waits for the Welcome (and drains the model that follows).
    func join() throws -> Bool {
        let hello = corpus.hello()
        try transport.send([hello], to: .server)
        return try awaitAnswer(.welcome(replyTo: try WireCodec.decode(hello).messageNumber)) != nil
    }

    /// Sends `count` fuzzed messages, keeping the fuzzer alive with heartbeats between them.
    func send(_ count: Int) throws {
        for _ in 0..<count {
            if Date().timeIntervalSince(lastHeartbeat) > 0.5 {
                try transport.send([corpus.heartbeat()], to: .server)
                lastHeartbeat = Date()
            }
            let (frames, damage) = corpus.next()
            report.messages += 1
            report.byDamage[damage.rawValue, default: 0] += 1
            try transport.send(frames, to: .server)
            let expectation = Self.expectation(of: frames)
            guard let expectation else { continue }
            report.expectedAnswers += 1
            guard let answer = try awaitAnswer(expectation) else {
                report.unanswered += 1
                note("no answer within \(answerTimeout) s to \(Self.describe(frames)) (\(damage.rawValue))")
                continue
            }
            report.answers[answer, default: 0] += 1
        }
    }

    /// A valid request that needs the coordinator's full attention: a deletion for a class the model lacks, under
    /// one request id (the first is recorded as rejected, later ones answered from the ledger). Nil when it answers.
    func probe() throws -> String? {
        report.probes += 1
        var request = Lethe_V1_DeletionRequest()
        request.requestID = "fuzz-probe"
        request.targetClientID = "client-0"
        request.classLabel = 12
        let envelope = WireCodec.envelope(jobID: "fuzz-probe", senderID: "fuzz-probe", messageNumber: 1,
                                          body: .deletionRequest(request))
        try transport.send([try WireCodec.encode(envelope)], to: .server)
        if try awaitAnswer(.deletionAck(requestID: "fuzz-probe", number: 1)) != nil { return nil }
        report.failedProbes += 1
        return "the coordinator did not answer a valid deletion request within \(answerTimeout) s"
    }

    enum Expectation {
        /// A typed Error naming message `number` (0: the message did not parse, so none can be named).
        case error(inReplyTo: UInt64)
        case welcome(replyTo: UInt64)
        /// A DeletionAck, or a typed Error naming the request.
        case deletionAck(requestID: String, number: UInt64)
    }

    /// What the coordinator must answer, or nil for what it must accept silently (the admitted fuzzer's valid
    /// heartbeats, and Error reports, which nobody answers).
    static func expectation(of frames: [Data]) -> Expectation? {
        guard frames.count == 1, let frame = frames.first else { return .error(inReplyTo: 0) }
        let envelope: Lethe_V1_Envelope
        do { envelope = try WireCodec.decode(frame) } catch {
            return .error(inReplyTo: WireCodec.messageNumber(in: frame))
        }
        switch envelope.body {
        case .error?: return nil
        case .heartbeat? where envelope.senderID == FuzzCorpus.admittedID: return nil
        case .hello? where envelope.senderID == FuzzCorpus.admittedID: return .welcome(replyTo: envelope.messageNumber)
        case .deletionRequest(let request)?:
            return .deletionAck(requestID: request.requestID, number: envelope.messageNumber)
        default: return .error(inReplyTo: envelope.messageNumber)
        }
    }

    /// Receives until the expected answer arrives (nil after the timeout); the name of what answered it.
    private func awaitAnswer(_ expectation: Expectation) throws -> String? {
        let deadline = Date().addingTimeInterval(answerTimeout)
        while Date() < deadline {
            let left = max(1, Int(deadline.timeIntervalSinceNow * 1000))
            guard let message = try transport.receive(timeout: .milliseconds(left)),
                  let frame = message.frames.last, let envelope = try? WireCodec.decode(frame) else { continue }
            switch (expectation, envelope.body) {
            case (.error(let number), .error(let error)?):
                guard error.inReplyTo == number else { continue }  // a late answer to an earlier message
                if error.code == .unspecified { untyped("an Error with no code answered message \(number)") }
                return "\(error.code)"
            case (.welcome(let number), .welcome?) where envelope.replyTo == number:
                drain()
                return "welcome"
            case (.welcome(let number), .error(let error)?) where error.inReplyTo == number:
                return "\(error.code)"
            case (.deletionAck(let id, _), .deletionAck(let ack)?) where ack.requestID == id:
                return "deletion_ack"
            case (.deletionAck(_, let number), .error(let error)?) where error.inReplyTo == number:
                return "\(error.code)"
            case (.error(let number), _) where envelope.replyTo == number && number != 0:
                untyped("message \(number) was answered with \(envelope.body?.fieldName ?? "nothing"), not an Error")
                return envelope.body?.fieldName ?? "empty"
            default:
                continue  // heartbeats, model chunks and job pushes addressed to the admitted fuzzer
            }
        }
        return nil
    }

    /// Receives what follows a Welcome (the model, in chunks) until the line is quiet.
    private func drain() {
        while (try? transport.receive(timeout: .milliseconds(200))) != nil {}
    }

    private func untyped(_ line: String) {
        report.untyped += 1
        note(line)
    }

    private func note(_ line: String) {
        if report.examples.count < 20 { report.examples.append(line) }
    }

    static func describe(_ frames: [Data]) -> String {
        guard frames.count == 1, let envelope = try? WireCodec.decode(frames[0]) else {
            return "\(frames.count) frame(s) of \(frames.map(\.count)) bytes"
        }
        return "\(envelope.body?.fieldName ?? "empty") from \(envelope.senderID) #\(envelope.messageNumber)"
    }
}
