import Foundation
import LetheTensor
import LetheWire

/// One valid envelope of every body kind, small enough for fast tests and fuzzing seeds.
enum Samples {
    static let tensor = Tensor(shape: [2, 3], storage: [0, -1.5, 2.25, 3e-8, 1e30, -0])
    static let mask = WireMask(bitCount: 70, setting: [0, 3, 64, 69])
    static let statistics = WireFeatureStatistics(featureDim: 2, classes: [
        .init(label: 0, count: 3, sum: [1, 2], sumSquares: [3, 4]),
        .init(label: 7, count: 1, sum: [-0.5, 0.25], sumSquares: [0.25, 0.0625]),
    ])
    static let metrics = WireMetrics(ua: 7.9, ra: 99.1, ta: 91.8, mia: 12, forgetSamples: 600,
                                     retainSamples: 5400, testSamples: 2000, asr: 12.5, canarySamples: 450)

    /// Every body kind with plausible content.
    static var bodies: [Lethe_V1_Envelope.OneOf_Body] {
        var hello = Lethe_V1_Hello(); hello.softwareVersion = "lethe 0.1"; hello.sampleCount = 3000; hello.classLabels = [0, 1, 9]
        var welcome = Lethe_V1_Welcome(); welcome.heartbeatIntervalMs = 1000; welcome.liveness = 3
        welcome.maxMessageBytes = 4 << 20; welcome.modelVersion = 2
        var beat = Lethe_V1_Heartbeat(); beat.sequence = 41; beat.sentUnixMs = 1_700_000_000_000
        var weights = Lethe_V1_ModelWeights(); weights.modelVersion = 3; weights.parameters = tensor.wire
        weights.sha256 = Data(SHA256.digest(tensor.wire.data))
        var train = Lethe_V1_TrainRequest(); train.modelVersion = 3; train.localEpochs = 1; train.batchSize = 128
        train.learningRate = 0.05; train.momentum = 0.9; train.weightDecay = 5e-4; train.seed = 1
        var update = Lethe_V1_TrainUpdate(); update.baseModelVersion = 3; update.parameters = tensor.wire
        update.sampleCount = 3000; update.trainLoss = 0.42
        var deletion = Lethe_V1_DeletionRequest(); deletion.requestID = "req-1"; deletion.targetClientID = "client-2"
        var ids = Lethe_V1_SampleIds(); ids.ids = [5, 17, 2_000_000_000_000]; deletion.samples = ids
        var ack = Lethe_V1_DeletionAck(); ack.requestID = "req-1"; ack.state = .recorded
        var salReq = Lethe_V1_SaliencyRequest(); salReq.requestID = "req-1"; salReq.modelVersion = 3
        salReq.encoding = .topK; salReq.topFraction = 0.5
        var salRep = Lethe_V1_SaliencyReport(); salRep.requestID = "req-1"; salRep.forgetSampleCount = 60
        salRep.topK = mask.wire
        var broadcast = Lethe_V1_MaskBroadcast(); broadcast.requestID = "req-1"; broadcast.mask = mask.wire
        broadcast.fraction = 0.5; broadcast.modelVersion = 3
        var phase = Lethe_V1_PhaseRequest(); phase.requestID = "req-1"; phase.phase = .forget; phase.steps = 10
        phase.learningRate = 0.013; phase.seed = 7
        var delta = Lethe_V1_ModelDelta(); delta.requestID = "req-1"; delta.phase = .contrastive
        delta.delta = WireSparseDelta(mask: mask, values: [1, -2, 0.5, 4]).wire; delta.sampleCount = 60
        var stats = Lethe_V1_FeatureStats(); stats.requestID = "req-1"; stats.featureDim = 2
        stats.classes = statistics.wireClasses; stats.noiseSigma = 0.1; stats.epsilon = 1; stats.delta = 1e-5
        var global = Lethe_V1_GlobalStats(); global.requestID = "req-1"; global.featureDim = 2
        global.classes = statistics.wireClasses; global.contributorCount = 4
        var evalReq = Lethe_V1_EvalRequest(); evalReq.requestID = "req-1"; evalReq.modelVersion = 4
        var evalRep = Lethe_V1_EvalReport(); evalRep.requestID = "req-1"; evalRep.metrics = metrics.wire; evalRep.seconds = 1.5
        var status = Lethe_V1_JobStatus(); status.state = .running; status.phase = "forget"; status.progress = 0.25
        var error = Lethe_V1_Error(); error.code = .staleRound; error.message = "round 3 is over"; error.inReplyTo = 9
        var report = Lethe_V1_StatusReport(); report.ledgerJson = #"{"requests": []}"#; report.activity = "idle"
        report.connectedClients = ["client-0", "client-1"]; report.modelVersion = 7
        return [.hello(hello), .welcome(welcome), .heartbeat(beat), .modelWeights(weights), .trainRequest(train),
                .trainUpdate(update), .deletionRequest(deletion), .deletionAck(ack), .saliencyRequest(salReq),
                .saliencyReport(salRep), .maskBroadcast(broadcast), .phaseRequest(phase), .modelDelta(delta),
                .featureStats(stats), .globalStats(global), .evalRequest(evalReq), .evalReport(evalRep),
                .jobStatus(status), .error(error), .statusQuery(Lethe_V1_StatusQuery()), .statusReport(report)]
    }

    /// A valid envelope around `body`.
    static func envelope(_ body: Lethe_V1_Envelope.OneOf_Body) -> Lethe_V1_Envelope {
        WireCodec.envelope(jobID: "job-1", round: 2, senderID: "client-1", messageNumber: 5, body: body)
    }

    /// A valid envelope whose body is modified by `edit`, for targeted validation failures.
    static func envelope<M>(_ make: (M) -> Lethe_V1_Envelope.OneOf_Body, _ base: M, _ edit: (inout M) -> Void) -> Lethe_V1_Envelope {
        var message = base
        edit(&message)
        return envelope(make(message))
    }

    /// The sample body of the kind `extract` matches.
    static func body<M>(_ extract: (Lethe_V1_Envelope.OneOf_Body) -> M?) -> M {
        bodies.lazy.compactMap(extract).first!
    }
}
