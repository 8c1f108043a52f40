import Foundation
import LetheTransport
import LetheWire
import Testing

/// Issue 24 "Admission and limits", from a separate process: a real `lethe coordinator` and peers that speak the
/// wire from this test process. Each check failed before its fix: a second connection with a joined client's id
/// was welcomed and sent the model, a request naming more ids than its client holds and a class nobody holds were
/// acknowledged (class 12 of 10 too), a Hello declaring 2^63 samples was admitted, and a two-frame message was
/// read by its last frame.
@Suite struct AdmissionTests {
    /// One peer of the coordinator: a DEALER and what it has received.
    final class Peer {
        let id: String
        let transport: ZMQTransport
        private var number: UInt64 = 0
        private(set) var received: [Lethe_V1_Envelope] = []

        init(_ id: String, endpoint: String, context: ZMQContext) throws {
            self.id = id
            transport = try ZMQTransport.dealer(context: context, connect: endpoint)
        }

        func send(_ body: Lethe_V1_Envelope.OneOf_Body, jobID: String = "", frames: Int = 1) throws {
            number += 1
            let envelope = WireCodec.envelope(jobID: jobID, senderID: id, messageNumber: number, body: body)
            let data = try WireCodec.encode(envelope)
            try transport.send(Array(repeating: data, count: frames), to: .server)
        }

        /// Reads for up to `seconds`, until `done` holds for what has arrived.
        @discardableResult
        func collect(seconds: Double = 5, until done: ([Lethe_V1_Envelope]) -> Bool) throws -> [Lethe_V1_Envelope] {
            let deadline = Date().addingTimeInterval(seconds)
            while !done(received), Date() < deadline {
                guard let message = try transport.receive(timeout: .milliseconds(100)) else { continue }
                if let envelope = try? WireCodec.decode(message.frames.last!) { received.append(envelope) }
            }
            return received
        }

        var errors: [Lethe_V1_Error] { received.compactMap { if case .error(let e)? = $0.body { e } else { nil } } }
        var welcomed: Bool { received.contains { if case .welcome? = $0.body { true } else { false } } }
        var sentWeights: Bool { received.contains { if case .modelWeights? = $0.body { true } else { false } } }
        var acks: [Lethe_V1_DeletionAck] {
            received.compactMap { if case .deletionAck(let a)? = $0.body { a } else { nil } }
        }
    }

    static func hello(samples: UInt64, labels: [UInt32]) -> Lethe_V1_Envelope.OneOf_Body {
        var hello = Lethe_V1_Hello()
        (hello.softwareVersion, hello.sampleCount, hello.classLabels) = ("admission-test", samples, labels)
        return .hello(hello)
    }

    static func deletion(_ id: String, client: String, ids: [UInt64]? = nil, classLabel: UInt32? = nil)
        -> Lethe_V1_Envelope.OneOf_Body {
        var request = Lethe_V1_DeletionRequest()
        (request.requestID, request.targetClientID) = (id, client)
        if let ids {
            var samples = Lethe_V1_SampleIds()
            samples.ids = ids
            request.samples = samples
        } else if let classLabel {
            request.classLabel = classLabel
        }
        return .deletionRequest(request)
    }

    /// Sends Hello until the coordinator answers (it may still be starting) and returns the peer.
    static func joined(_ peer: Peer, samples: UInt64, labels: [UInt32]) throws -> Peer {
        for _ in 0..<100 where peer.received.isEmpty {
            try? peer.send(hello(samples: samples, labels: labels))
            try peer.collect(seconds: 0.3) { !$0.isEmpty }
        }
        return peer
    }

    @Test(.timeLimit(.minutes(2)))
    func theCoordinatorAdmitsOnlyWhatItsClientsDeclared() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-admission-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint = "tcp://127.0.0.1:\(Int.random(in: 5700..<5799))"
        // Three expected clients; this test plays all of them (and never answers the training they start).
        let coordinator = try CoordinatorRestartTests.Launched(
            ["coordinator", "--bind", endpoint, "--expected-clients", "c0,c1,c2", "--output", folder.path + "/out"],
            log: folder.appendingPathComponent("coordinator.log"))
        defer { coordinator.stop() }
        let context = try ZMQContext()

        let c0 = try Self.joined(Peer("c0", endpoint: endpoint, context: context), samples: 10, labels: [0, 1])
        try c0.collect { _ in c0.sentWeights }
        try #require(c0.welcomed && c0.sentWeights, "c0 was not admitted:\n\(coordinator.output)")

        // A second connection claiming c0 while c0 is live: refused, and sent no model.
        let impostor = try Self.joined(Peer("c0", endpoint: endpoint, context: context), samples: 10, labels: [0])
        try impostor.collect(seconds: 1) { _ in false }
        #expect(!impostor.welcomed && !impostor.sentWeights)
        #expect(impostor.errors.first?.code == .unauthorized)
        #expect(impostor.errors.first?.message.contains("already joined on another connection") == true)

        // Hellos declaring what no client can hold are refused on the wire.
        let liar = try Self.joined(Peer("c1", endpoint: endpoint, context: context), samples: 1 << 63, labels: [2])
        #expect(!liar.welcomed && liar.errors.first?.message.contains("sample_count") == true, "\(liar.errors)")
        let c1 = try Self.joined(Peer("c1", endpoint: endpoint, context: context), samples: 5, labels: [2, 3])
        try #require(c1.welcomed, "c1 was not admitted: \(c1.errors)")

        // A message of two frames is refused whole, not read by its last frame.
        let twoFrames = try Peer("c2", endpoint: endpoint, context: context)
        try twoFrames.send(Self.hello(samples: 5, labels: [4]), frames: 2)
        try twoFrames.collect { !$0.isEmpty }
        #expect(!twoFrames.welcomed && twoFrames.errors.first?.message.contains("exactly one frame") == true,
                "\(twoFrames.received)")
        let c2 = try Self.joined(Peer("c2", endpoint: endpoint, context: context), samples: 5, labels: [4])
        try #require(c2.welcomed, "c2 was not admitted: \(c2.errors)")

        // Deletion requests are checked against the Hellos before they are written.
        let submitter = try Peer("operator", endpoint: endpoint, context: context)
        let requests: [(Lethe_V1_Envelope.OneOf_Body, String?)] = [
            (Self.deletion("too-many", client: "c0", ids: Array(1...11)), "declared 10 training sample(s)"),
            (Self.deletion("class-12", client: "c0", classLabel: 12), "class 12 does not exist"),
            (Self.deletion("no-class", client: "c0", classLabel: 9), "no client holds class 9"),
            (Self.deletion("fine", client: "c0", ids: [1, 2, 2]), nil),
        ]
        for (index, (request, refusal)) in requests.enumerated() {
            guard case .deletionRequest(let message) = request else { continue }
            try submitter.send(request, jobID: message.requestID)
            try submitter.collect { _ in submitter.acks.count > index }
            let ack = submitter.acks.count > index ? submitter.acks[index] : nil
            if let refusal {
                #expect(ack?.state == .rejected && ack?.reason.contains(refusal) == true, "\(String(describing: ack))")
            } else {
                #expect(ack?.state == .recorded, "\(String(describing: ack))")
            }
        }
        #expect(coordinator.process.isRunning, "the coordinator must survive all of it:\n\(coordinator.output)")
    }
}
