import Foundation
import LetheClient
import LetheTensor
import LetheWire
import Testing

/// Hostile or broken input is answered with an Error body, and the node keeps serving afterwards.
@Suite struct RobustnessTests {
    /// After the bad input, a valid TrainRequest still gets its TrainUpdate.
    func stillServes(_ node: ClientNode, _ state: ClientState, _ coordinator: inout ScriptedCoordinator) -> Bool {
        let replies = node.handle(coordinator.bytes(trainRequest(version: 1)), state: state).replies
        if case .trainUpdate = replies.first?.body { return true }
        return false
    }

    @Test func malformedBytesGetAMalformedError() {
        let node = makeNode()
        var coordinator = ScriptedCoordinator()
        let state = installed(node, &coordinator)
        let (after, replies) = node.handle(Data(repeating: 0xff, count: 32), state: state)
        #expect(replies.map(\.errorCode) == [.malformed])
        #expect(stillServes(node, after, &coordinator))
    }

    @Test func nanWeightsAreRefusedAndTheOldModelKept() {
        let node = makeNode()
        var coordinator = ScriptedCoordinator()
        let state = installed(node, &coordinator)
        var parameters = initialParameters()
        parameters[1234] = .nan
        let (after, replies) = node.handle(coordinator.bytes(modelWeights(parameters, version: 2)), state: state)
        #expect(replies.map(\.errorCode) == [.nonFinite])
        guard case .error(let error) = replies.first?.body else { return }
        #expect(error.field == "model_weights.parameters.data" && error.message.contains("1234"))
        #expect(after.modelVersion == 1)
        #expect(stillServes(node, after, &coordinator))
    }

    @Test func oversizedMessagesAreRefused() {
        var configuration = testConfiguration("client-0")
        configuration.limits.maxMessageBytes = 1 << 20
        let node = ClientNode(data: makeNode().data, configuration: configuration)
        var coordinator = ScriptedCoordinator()
        let (state, replies) = node.handle(coordinator.bytes(modelWeights(initialParameters(), version: 1)),
                                           state: ClientState())
        #expect(replies.map(\.errorCode) == [.tooLarge])
        #expect(state.modelVersion == nil)
        var request = Lethe_V1_DeletionRequest()
        request.requestID = "del-1"
        request.targetClientID = "client-0"
        var ids = Lethe_V1_SampleIds()
        ids.ids = [UInt64](repeating: 1000, count: 2 << 20)
        request.samples = ids
        #expect(node.handle(coordinator.bytes(.deletionRequest(request)), state: state).replies.map(\.errorCode)
            == [.tooLarge])
    }

    @Test func invalidFieldsAndVersionsAreRefused() {
        let node = makeNode()
        var coordinator = ScriptedCoordinator()
        let state = installed(node, &coordinator)
        var envelope = coordinator.envelope(trainRequest(version: 1))
        envelope.protocolVersion = 9
        #expect(node.handle(try! WireCodec.encode(envelope), state: state).replies.map(\.errorCode)
            == [.unsupportedVersion])
        guard case .trainRequest(var request) = trainRequest(version: 1) else { return }
        request.momentum = 3
        #expect(node.handle(coordinator.bytes(.trainRequest(request)), state: state).replies.map(\.errorCode)
            == [.invalidValue])
        #expect(stillServes(node, state, &coordinator))
    }
}
