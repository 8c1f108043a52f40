import Foundation
import LetheClient
import LetheData
import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire

/// A learnable synthetic image set: class c lights up its own horizontal band. Ids start at `firstID`, so tests
/// can tell ids from positions.
func bandImages(count: Int, classes: Int = 4, seed: UInt64, firstID: Int = 1000) -> ImageDataset {
    var rng = SeededGenerator(seed: seed)
    var images = [UInt8](repeating: 0, count: count * 784)
    var labels = [Int32](repeating: 0, count: count)
    for i in 0..<count {
        let label = i % classes
        labels[i] = Int32(label)
        for pixel in 0..<784 where (pixel / 28) / (28 / classes) == label || rng.nextInt(below: 8) == 0 {
            images[i * 784 + pixel] = UInt8(120 + rng.nextInt(below: 120))
        }
    }
    return ImageDataset(images: images, labels: labels, ids: (0..<count).map { firstID + $0 }, channels: 1,
                        height: 28, width: 28, classCount: classes)
}

/// Small, fast settings: few negatives, small batches, two retain batches per round.
func testConfiguration(_ id: String) -> ClientConfiguration {
    var configuration = ClientConfiguration(clientID: id)
    configuration.wsscl.stage1.batchSize = 16
    configuration.wsscl.stage2.batchSize = 16
    configuration.wsscl.stage2.negativeCount = 32
    configuration.wsscl.stage2.retainBatchesPerRound = 2
    configuration.wssclForClasses.stage1.batchSize = 16
    configuration.wssclForClasses.stage2.batchSize = 16
    configuration.wssclForClasses.stage2.negativeCount = 32
    return configuration
}

/// A client of 48 training and 24 test images.
func makeNode(_ id: String = "client-0", seed: UInt64 = 1, noiseSeed: UInt64 = 42,
              log: @escaping @Sendable (String) -> Void = { _ in }) -> ClientNode
{
    var configuration = testConfiguration(id)
    configuration.noiseSeed = noiseSeed
    return ClientNode(data: ClientData(train: bandImages(count: 48, seed: seed),
                                       test: bandImages(count: 24, seed: seed + 100, firstID: 90_000)),
                      configuration: configuration, log: log)
}

/// Envelopes as the coordinator would send them.
struct ScriptedCoordinator {
    var number: UInt64 = 0
    var job = "train"
    /// The incarnation stamped on every message (0: a coordinator that stamps none).
    var incarnation: UInt64 = 0

    mutating func envelope(_ body: Lethe_V1_Envelope.OneOf_Body, round: UInt64 = 1) -> Lethe_V1_Envelope {
        number += 1
        var envelope = WireCodec.envelope(jobID: body.needsJob ? job : "", round: round, senderID: "coordinator",
                                          messageNumber: number, body: body)
        envelope.incarnation = incarnation
        return envelope
    }

    /// The same coordinator after a restart: a new incarnation numbering its messages from 1 again.
    func restarted(incarnation: UInt64) -> ScriptedCoordinator {
        ScriptedCoordinator(number: 0, job: job, incarnation: incarnation)
    }

    mutating func bytes(_ body: Lethe_V1_Envelope.OneOf_Body, round: UInt64 = 1) -> Data {
        try! WireCodec.encode(envelope(body, round: round))
    }
}

/// The initial model of cnn-small for 4 classes (seed 7) as flat parameters.
func initialParameters(seed: UInt64 = 7) -> [Float] {
    Architecture.cnnSmall.build(seed: seed, classes: 4).parameters.values
}

func modelWeights(_ parameters: [Float], version: UInt64) -> Lethe_V1_Envelope.OneOf_Body {
    var weights = Lethe_V1_ModelWeights()
    weights.modelVersion = version
    weights.parameters = Tensor(shape: [parameters.count], storage: parameters).wire
    weights.sha256 = Data(SHA256.digest(weights.parameters.data))
    return .modelWeights(weights)
}

func trainRequest(version: UInt64, seed: UInt64 = 5) -> Lethe_V1_Envelope.OneOf_Body {
    var request = Lethe_V1_TrainRequest()
    request.modelVersion = version
    request.localEpochs = 1
    request.batchSize = 16
    request.learningRate = 0.05
    request.momentum = 0.9
    request.weightDecay = 5e-4
    request.seed = seed
    return .trainRequest(request)
}

func deletion(_ id: String, target: String = "client-0", ids: [UInt64]? = nil, classLabel: UInt32? = nil,
              reason: Lethe_V1_DeletionReason = .unspecified)
    -> Lethe_V1_Envelope.OneOf_Body
{
    var request = Lethe_V1_DeletionRequest()
    request.requestID = id
    request.reason = reason
    request.targetClientID = target
    if let ids {
        var samples = Lethe_V1_SampleIds()
        samples.ids = ids
        request.samples = samples
    } else if let classLabel {
        request.classLabel = classLabel
    } else {
        request.wholeClient = true
    }
    return .deletionRequest(request)
}

func phase(_ kind: Lethe_V1_Phase, request: String, version: UInt64, sigma: Double = 0) -> Lethe_V1_Envelope.OneOf_Body {
    var message = Lethe_V1_PhaseRequest()
    message.requestID = request
    message.phase = kind
    message.modelVersion = version
    message.steps = 1
    message.learningRate = 0.01
    message.seed = 11
    message.noiseSigma = sigma
    return .phaseRequest(message)
}

/// Feeds `bodies` to `node` in order, returning the final state and the replies to the last one.
func drive(_ node: ClientNode, _ coordinator: inout ScriptedCoordinator, _ bodies: [Lethe_V1_Envelope.OneOf_Body],
           from state: ClientState = ClientState()) -> (ClientState, [Lethe_V1_Envelope]) {
    var current = state, last: [Lethe_V1_Envelope] = []
    for body in bodies { (current, last) = node.handle(coordinator.envelope(body), state: current) }
    return (current, last)
}

/// A node with the initial model installed as version 1.
func installed(_ node: ClientNode, _ coordinator: inout ScriptedCoordinator) -> ClientState {
    drive(node, &coordinator, [modelWeights(initialParameters(), version: 1)]).0
}

extension Lethe_V1_Envelope {
    /// The Error body's code, or nil for another body.
    var errorCode: Lethe_V1_ErrorCode? {
        if case .error(let error) = body { return error.code }
        return nil
    }
}
