import Foundation
import LetheTensor
import LetheWire

/// The messages `lethe bench fuzz` throws at a coordinator: every body kind the protocol has, from the admitted
/// fuzzer, from ids that never said Hello and from another client's id, with NaN and mis-shaped tensors, then
/// truncated, bit-flipped, replaced by random bytes, split over frames, or sent again unchanged (replays).
struct FuzzCorpus {
    /// How a template was damaged before sending.
    enum Damage: String, CaseIterable, Codable {
        case none, truncated, bitFlipped, randomBytes, multiFrame, emptyFrame, replay
    }

    /// The fuzzer's own admitted id; its valid heartbeats and errors need no answer.
    static let admittedID = "fuzz-0"
    /// Deletion request ids the fuzzer reuses, so rejected requests do not grow the ledger without bound.
    static let requestIDPool = 16

    private var random: SeededGenerator
    private var messageNumber: UInt64 = 1000
    private var last: [Data] = []

    init(seed: UInt64) { random = SeededGenerator(seed: seed).derived(3) }

    /// The admitted fuzzer's Hello (classes none, a few samples: it never holds data a job could need).
    mutating func hello() -> Data {
        var hello = Lethe_V1_Hello()
        hello.softwareVersion = "lethe-fuzz"
        hello.sampleCount = 1
        hello.classLabels = [0]
        return encode(.hello(hello), sender: Self.admittedID)
    }

    /// A valid heartbeat from the admitted fuzzer (keeps it alive; no answer expected).
    mutating func heartbeat() -> Data {
        var beat = Lethe_V1_Heartbeat()
        beat.sequence = nextNumber()
        return encode(.heartbeat(beat), sender: Self.admittedID)
    }

    /// The next fuzzed message: its frames and the damage done to it.
    mutating func next() -> (frames: [Data], damage: Damage) {
        let damage = pickDamage()
        if damage == .replay, !last.isEmpty { return (last, .replay) }
        let valid = encode(body(), sender: sender())
        var frames: [Data]
        switch damage {
        case .none, .replay: frames = [valid]
        case .truncated: frames = [valid.prefix(random.nextInt(below: valid.count))]
        case .bitFlipped: frames = [flip(valid)]
        case .randomBytes: frames = [bytes(random.nextInt(below: 200))]
        case .multiFrame: frames = (0...random.nextInt(below: 3)).map { _ in valid.prefix(random.nextInt(below: valid.count + 1)) } + [valid]
        case .emptyFrame: frames = [Data()]
        }
        last = frames
        return (frames, damage == .replay ? .none : damage)
    }

    private mutating func pickDamage() -> Damage {
        switch random.nextInt(below: 100) {
        case 0..<35: .none
        case 35..<50: .truncated
        case 50..<70: .bitFlipped
        case 70..<80: .randomBytes
        case 80..<87: .multiFrame
        case 87..<90: .emptyFrame
        default: .replay
        }
    }

    private mutating func sender() -> String {
        switch random.nextInt(below: 10) {
        case 0..<6: Self.admittedID
        case 6..<8: "ghost-\(random.nextInt(below: 1000))"
        case 8: "client-0"
        default: String(repeating: "x", count: 1 + random.nextInt(below: 64))
        }
    }

    /// A body of a random kind with fuzzed content: well formed on the wire, wrong in value, shape or place.
    private mutating func body() -> Lethe_V1_Envelope.OneOf_Body {
        let requestID = "fuzz-req-\(random.nextInt(below: Self.requestIDPool))"
        switch random.nextInt(below: 15) {
        case 0:
            var beat = Lethe_V1_Heartbeat(); beat.sequence = nextNumber()
            return .heartbeat(beat)
        case 1:
            var update = Lethe_V1_TrainUpdate(); update.baseModelVersion = UInt64(random.nextInt(below: 5))
            update.parameters = tensor().wire; update.sampleCount = UInt64(random.nextInt(below: 100)); update.trainLoss = .nan
            return .trainUpdate(update)
        case 2:
            var report = Lethe_V1_SaliencyReport(); report.requestID = requestID
            report.forgetSampleCount = UInt64(random.nextInt(below: 10)); report.dense = tensor().wire
            return .saliencyReport(report)
        case 3:
            var delta = Lethe_V1_ModelDelta(); delta.requestID = requestID; delta.phase = .forget
            let mask = WireMask(bitCount: 1 + random.nextInt(below: 100), setting: [0])
            delta.delta = WireSparseDelta(mask: mask, values: [Float.nan]).wire
            return .modelDelta(delta)
        case 4:
            var stats = Lethe_V1_FeatureStats(); stats.requestID = requestID; stats.featureDim = UInt32(random.nextInt(below: 5))
            stats.classes = WireFeatureStatistics(featureDim: 2, classes: [
                .init(label: UInt32(random.nextInt(below: 2000)), count: 1, sum: [.nan, 1], sumSquares: [1, 1])]).wireClasses
            return .featureStats(stats)
        case 5:
            var report = Lethe_V1_EvalReport(); report.requestID = requestID
            report.metrics = WireMetrics(ua: .infinity, ra: -5, ta: 200, mia: 1, forgetSamples: 1, retainSamples: 1,
                                         testSamples: 1).wire
            return .evalReport(report)
        case 6:
            var deletion = Lethe_V1_DeletionRequest(); deletion.requestID = requestID
            // A client no Hello declared: refused before any job, however the fuzz damages the class or the ids
            // (a deletion for a real client would be a real job, and unlearning is what the fuzz must not do).
            deletion.targetClientID = "nobody-\(random.nextInt(below: 4))"
            if random.nextInt(below: 2) == 0 {
                deletion.classLabel = UInt32(random.nextInt(below: 1000))
            } else {
                var ids = Lethe_V1_SampleIds(); ids.ids = (0..<random.nextInt(below: 5)).map { _ in random.next() }
                deletion.samples = ids
            }
            return .deletionRequest(deletion)
        case 7:
            var ack = Lethe_V1_DeletionAck(); ack.requestID = requestID; ack.state = .done
            return .deletionAck(ack)
        case 8:
            var welcome = Lethe_V1_Welcome(); welcome.heartbeatIntervalMs = 1; welcome.modelVersion = nextNumber()
            return .welcome(welcome)
        case 9:
            var weights = Lethe_V1_ModelWeights(); weights.modelVersion = 99; weights.parameters = tensor().wire
            return .modelWeights(weights)
        case 10:
            var train = Lethe_V1_TrainRequest(); train.modelVersion = 1; train.learningRate = .nan
            return .trainRequest(train)
        case 11:
            var status = Lethe_V1_JobStatus(); status.state = .running; status.progress = 7
            return .jobStatus(status)
        case 12:
            var error = Lethe_V1_Error(); error.code = .internal
            error.message = "fuzz \u{1B}[31mred\u{1B}[0m\nforged log line: client-0 joined"
            return .error(error)
        case 13:
            var mask = Lethe_V1_MaskBroadcast(); mask.requestID = requestID
            mask.mask = WireMask(bitCount: 8, setting: [1]).wire; mask.fraction = 2
            return .maskBroadcast(mask)
        default:
            var stats = Lethe_V1_GlobalStats(); stats.requestID = requestID; stats.featureDim = 3
            return .globalStats(stats)
        }
    }

    /// A small tensor: NaN, infinite or finite values, sometimes with a shape that disagrees with its bytes.
    private mutating func tensor() -> Tensor {
        let count = 1 + random.nextInt(below: 8)
        let values: [Float] = (0..<count).map { _ in
            switch random.nextInt(below: 4) { case 0: .nan; case 1: .infinity; default: random.nextUniform() }
        }
        return Tensor(shape: [count], storage: values)
    }

    private mutating func encode(_ body: Lethe_V1_Envelope.OneOf_Body, sender: String) -> Data {
        var envelope = Lethe_V1_Envelope()
        envelope.protocolVersion = WireCodec.protocolVersion
        envelope.senderID = sender
        envelope.messageNumber = nextNumber()
        envelope.jobID = random.nextInt(below: 3) == 0 ? "train" : "fuzz-req-\(random.nextInt(below: Self.requestIDPool))"
        envelope.round = UInt64(random.nextInt(below: 4))
        envelope.body = body
        // serializedData never fails for these plain messages; an empty frame would be fuzz too.
        return (try? envelope.serializedData()) ?? Data()
    }

    private mutating func nextNumber() -> UInt64 {
        messageNumber += 1
        return messageNumber
    }

    private mutating func flip(_ data: Data) -> Data {
        guard !data.isEmpty else { return data }
        var bytes = [UInt8](data)
        for _ in 0...random.nextInt(below: 4) {
            bytes[random.nextInt(below: bytes.count)] ^= UInt8(1) << UInt8(random.nextInt(below: 8))
        }
        return Data(bytes)
    }

    private mutating func bytes(_ count: Int) -> Data {
        Data((0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) })
    }
}
