import Foundation
import LetheTensor
import LetheUnlearning
import LetheWire

/// FedAvg's client step (McMahan et al. 2017): train the global model locally, send the weights back.
extension ClientNode {
    /// TrainRequest: `local_epochs` of SGD on the *retained* data only (deleted samples are never trained on
    /// again), from the requested model version, at a constant rate (the coordinator schedules rates across
    /// rounds). Replies TrainUpdate with the new parameters, chunked when over the coordinator's message limit.
    func handleTrainRequest(_ request: Lethe_V1_TrainRequest, _ message: Lethe_V1_Envelope,
                            state: inout ClientState) throws -> [Lethe_V1_Envelope] {
        let model = try loadModel(state, version: request.modelVersion, for: "train_request")
        let retained = state.retainedPositions(count: data.train.count)
        guard !retained.isEmpty else {
            throw ClientError.computation(step: "train_request", reason: "every local sample is deleted, nothing "
                                          + "is left to train on; drop this client from training rounds")
        }
        var recipe = TrainingRecipe(epochs: Int(request.localEpochs), batchSize: Int(request.batchSize),
                                    learningRate: request.learningRate)
        recipe.momentum = request.momentum
        recipe.weightDecay = request.weightDecay
        recipe.schedule = .constant
        var rng = SeededGenerator(seed: request.seed).derived(clientStream)
        let started = Date()
        let epochs = Trainer.train(model, on: data.train, positions: retained, recipe: recipe, rng: &rng)
        guard let loss = epochs.last?.loss, loss.isFinite, model.parameters.values.allSatisfy(\.isFinite) else {
            throw ClientError.computation(step: "local training", reason: "loss or weights became NaN; lower the "
                                          + "learning rate")
        }
        log("round \(message.round): trained version \(request.modelVersion) on \(retained.count) samples, "
            + "\(request.localEpochs) epoch(s), loss \(String(format: "%.4f", loss)) "
            + "(\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
        let parameters = Tensor(shape: [model.parameters.count], storage: model.parameters.values)
        return parameters.wirePieces(maxElements: maxPayloadElements(state)).map { piece in
            var update = Lethe_V1_TrainUpdate()
            update.baseModelVersion = request.modelVersion
            update.parameters = piece.tensor
            if let chunk = piece.chunk { update.chunk = chunk }
            update.sampleCount = UInt64(retained.count)
            update.trainLoss = loss
            update.trainAccuracy = epochs.last?.accuracy ?? 0
            return reply(to: message, .trainUpdate(update))
        }
    }

    /// Float32 elements that fit one message under the coordinator's limit, leaving room for the envelope.
    func maxPayloadElements(_ state: ClientState) -> Int {
        let limit = state.welcome.map { Int(clamping: $0.maxMessageBytes) } ?? configuration.limits.maxMessageBytes
        return max(1024, (limit - 64 * 1024) / 4)
    }

    /// This client's random stream: the same request seed gives different, reproducible batch orders per client.
    var clientStream: UInt64 {
        // FNV-1a of the client id: stable across runs and platforms, unlike `Hasher`.
        configuration.clientID.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
