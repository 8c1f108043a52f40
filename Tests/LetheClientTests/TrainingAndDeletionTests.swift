import Foundation
import LetheClient
import LetheNN
import LetheTensor
import LetheUnlearning
import LetheWire
import Testing

@Suite struct TrainingTests {
    let node = makeNode()

    @Test func trainUpdateHasTheModelShapeAndRetainedCount() throws {
        var coordinator = ScriptedCoordinator()
        let state = installed(node, &coordinator)
        let (_, replies) = drive(node, &coordinator, [trainRequest(version: 1)], from: state)
        guard replies.count == 1, case .trainUpdate(let update) = replies[0].body else {
            Issue.record("expected one TrainUpdate, got \(replies)"); return
        }
        let parameters = try Tensor(wire: update.parameters)
        #expect(parameters.count == node.parameterCount)
        #expect(update.sampleCount == 48 && update.baseModelVersion == 1)
        #expect(update.trainLoss.isFinite && update.trainLoss > 0)
        #expect(parameters.storage != initialParameters())
        #expect(replies[0].jobID == "train" && replies[0].round == 1 && replies[0].senderID == "client-0")
        _ = try WireCodec.decode(try WireCodec.encode(replies[0]))
    }

    /// Deleted samples are never trained on: the update equals training directly on the retained positions.
    @Test func trainingUsesRetainedDataOnlyAndIsDeterministic() throws {
        var coordinator = ScriptedCoordinator()
        var state = installed(node, &coordinator)
        coordinator.job = "del-1"
        state = drive(node, &coordinator, [deletion("del-1", ids: [1000, 1001, 1005])], from: state).0
        coordinator.job = "train"
        let (_, replies) = drive(node, &coordinator, [trainRequest(version: 1, seed: 5)], from: state)
        guard case .trainUpdate(let update) = replies.first?.body else { Issue.record("no TrainUpdate"); return }
        #expect(update.sampleCount == 45)

        let direct = Architecture.cnnSmall.build(seed: 7, classes: 4)
        var recipe = TrainingRecipe(epochs: 1, batchSize: 16, learningRate: 0.05)
        recipe.schedule = .constant
        let clientStream = "client-0".utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        var rng = SeededGenerator(seed: 5).derived(clientStream)
        let retained = (0..<48).filter { ![0, 1, 5].contains($0) }
        Trainer.train(direct, on: node.data.train, positions: retained, recipe: recipe, rng: &rng)
        #expect(try Tensor(wire: update.parameters).storage == direct.parameters.values)
    }

    @Test func trainingNeedsTheRequestedVersion() {
        var coordinator = ScriptedCoordinator()
        #expect(drive(node, &coordinator, [trainRequest(version: 1)]).1.map(\.errorCode) == [.staleModel])
        let state = installed(node, &coordinator)
        #expect(drive(node, &coordinator, [trainRequest(version: 2)], from: state).1.map(\.errorCode) == [.staleModel])
    }
}

@Suite struct DeletionTests {
    let node = makeNode()

    func ack(_ replies: [Lethe_V1_Envelope]) -> Lethe_V1_DeletionAck? {
        guard replies.count == 1, case .deletionAck(let ack) = replies[0].body else { return nil }
        return ack
    }

    @Test func sampleIDsMapToLocalPositions() {
        var coordinator = ScriptedCoordinator(job: "del-1")
        let (state, replies) = drive(node, &coordinator, [deletion("del-1", ids: [1003, 1010, 1003])])
        #expect(ack(replies)?.state == .recorded && ack(replies)?.reason == "")
        #expect(state.deletedPositions == [3, 10])
        #expect(state.deletions["del-1"]?.forgetPositions == [3, 10])
        #expect(replies[0].jobID == "del-1")
    }

    @Test func unknownIDsRejectTheWholeRequest() {
        var coordinator = ScriptedCoordinator(job: "del-2")
        let (state, replies) = drive(node, &coordinator, [deletion("del-2", ids: [1003, 5, 99_999])])
        #expect(ack(replies)?.state == .rejected)
        #expect(ack(replies)?.reason.hasPrefix("no such ids: 2 of 3") == true)
        #expect(state.deletedPositions.isEmpty)
        #expect(state.deletions["del-2"]?.isHolder == false)
    }

    @Test func classAndWholeClientScopes() {
        var coordinator = ScriptedCoordinator(job: "del-3")
        let (byClass, classReplies) = drive(node, &coordinator, [deletion("del-3", target: "client-9", classLabel: 1)])
        #expect(ack(classReplies)?.state == .recorded)
        #expect(byClass.deletedPositions == Set(stride(from: 1, to: 48, by: 4)))
        #expect(byClass.deletions["del-3"]?.forgottenClass == 1)

        let (whole, wholeReplies) = drive(node, &coordinator, [deletion("del-4")], from: byClass)
        #expect(ack(wholeReplies)?.state == .recorded)
        #expect(whole.retainedPositions(count: 48).isEmpty)
        #expect(whole.deletions["del-4"]?.forgetPositions.count == 48)

        let (_, elsewhere) = drive(node, &coordinator, [deletion("del-5", target: "client-1")])
        #expect(ack(elsewhere)?.state == .rejected)
    }

    /// The request's reason picks the WSS-CL reading: privacy (or an old coordinator's unset field) the sample
    /// reading, poisoned the poisoned one, and a class deletion is the class reading whatever it says.
    @Test func theReasonPicksTheReading() {
        var coordinator = ScriptedCoordinator(job: "del-7")
        let cases: [(Lethe_V1_Envelope.OneOf_Body, ForgettingKind)] = [
            (deletion("del-7", ids: [1003], reason: .unspecified), .samples),
            (deletion("del-7", ids: [1003], reason: .privacy), .samples),
            (deletion("del-7", ids: [1003], reason: .poisoned), .poisoned),
            (deletion("del-7", reason: .poisoned), .poisoned),
            (deletion("del-7", target: "client-9", classLabel: 1, reason: .poisoned), .wholeClass),
        ]
        for (request, kind) in cases {
            let (state, replies) = drive(node, &coordinator, [request])
            #expect(ack(replies)?.state == .recorded)
            #expect(state.deletions["del-7"]?.kind == kind)
        }
        let poisoned = ClientConfiguration(clientID: "c").wsscl(for: .poisoned).stage1
        #expect(poisoned.objective == .otherClasses && poisoned.retainStepsPerForgetStep == 3)
    }

    @Test func aForwardedAgainRequestGetsItsFirstAnswer() {
        var coordinator = ScriptedCoordinator(job: "del-6")
        let (state, first) = drive(node, &coordinator, [deletion("del-6", ids: [1004])])
        let (again, second) = drive(node, &coordinator, [deletion("del-6", ids: [1005])], from: state)
        #expect(ack(first) == ack(second))
        #expect(again.deletedPositions == [4])
    }
}
