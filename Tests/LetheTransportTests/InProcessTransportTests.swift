import Foundation
import LetheTransport
import Testing

@Suite struct InProcessTransportTests {
    @Test func clientsAndServerExchangeInOrder() throws {
        let network = InProcessNetwork()
        let server = try network.bind("coordinator")
        let a = try network.connect("coordinator", identity: PeerID(Data("a".utf8)), userID: "key-a")
        let b = try network.connect("coordinator", identity: PeerID(Data("b".utf8)))
        try a.send([Data("1".utf8)], to: .server)
        try b.send([Data("2".utf8), Data("x".utf8)], to: .server)
        let first = try #require(try server.receive(timeout: .zero))
        #expect(first == ReceivedMessage(peer: PeerID(Data("a".utf8)), frames: [Data("1".utf8)], userID: "key-a"))
        let second = try #require(try server.receive(timeout: .zero))
        #expect(second.peer == PeerID(Data("b".utf8)) && second.frames.count == 2 && second.userID == nil)
        try server.send([Data("hi b".utf8)], to: second.peer)
        #expect(try b.receive(timeout: .zero)?.frames == [Data("hi b".utf8)])
        #expect(try a.receive(timeout: .milliseconds(10)) == nil)
    }

    @Test func oversizedFramesAreDroppedAndUnknownPeersThrow() throws {
        let network = InProcessNetwork()
        let server = try network.bind("c", maxMessageBytes: 8)
        let client = try network.connect("c", identity: PeerID(Data("a".utf8)))
        try client.send([Data(count: 9)], to: .server)
        try client.send([Data(count: 8)], to: .server)
        #expect(try server.receive(timeout: .zero)?.frames == [Data(count: 8)])
        #expect(server.droppedOversized == 1)
        #expect(throws: TransportError.peerUnreachable(peer: PeerID(Data("z".utf8)))) {
            try server.send([Data()], to: PeerID(Data("z".utf8)))
        }
        #expect(throws: TransportError.inProcessEndpoint(name: "c", reason: "already bound")) { _ = try network.bind("c") }
    }

    @Test func closeWakesAReceiverAndRefusesIO() throws {
        let network = InProcessNetwork()
        let server = try network.bind("c")
        server.close()
        #expect(throws: TransportError.closed) { _ = try server.receive(timeout: .seconds(5)) }
        #expect(throws: TransportError.inProcessEndpoint(name: "c", reason: "nothing bound")) {
            _ = try network.connect("c", identity: PeerID(Data("a".utf8)))
        }
    }
}

@Suite struct InProcessClientGroupTests {
    static func peer(_ name: String) -> PeerID { PeerID(Data(name.utf8)) }

    /// The server sees each member under its own id; what it sends to any member arrives in the one inbox, tagged.
    @Test func membersShareOneInboxTaggedByRecipient() throws {
        let network = InProcessNetwork()
        let server = try network.bind("c")
        let group = try network.connectGroup("c", identities: [Self.peer("a"), Self.peer("b")])
        try group.members[Self.peer("b")]!.send([Data("from b".utf8)], to: .server)
        let received = try #require(try server.receive(timeout: .zero))
        #expect(received.peer == Self.peer("b") && received.frames == [Data("from b".utf8)])
        try server.send([Data("to a".utf8)], to: Self.peer("a"))
        try server.send([Data("to b".utf8)], to: Self.peer("b"))
        let first = try #require(try group.receive(timeout: .zero))
        let second = try #require(try group.receive(timeout: .zero))
        #expect(first.recipient == Self.peer("a") && first.message.frames == [Data("to a".utf8)])
        #expect(second.recipient == Self.peer("b") && second.message.peer == .server)
        #expect(try group.receive(timeout: .milliseconds(5)) == nil)
    }

    /// A full inbox holds the sender until the host takes a message (backpressure), and closing releases it.
    @Test func aFullInboxHoldsTheSenderUntilThereIsRoom() throws {
        let network = InProcessNetwork()
        let server = try network.bind("c")
        let group = try network.connectGroup("c", identities: [Self.peer("a")], capacity: 1)
        try server.send([Data("1".utf8)], to: Self.peer("a"))
        let sent = DispatchSemaphore(value: 0)
        Thread { try? server.send([Data("2".utf8)], to: Self.peer("a")); sent.signal() }.start()
        #expect(sent.wait(timeout: .now() + .milliseconds(100)) == .timedOut, "the second send did not wait for room")
        #expect(try group.receive(timeout: .zero)?.message.frames == [Data("1".utf8)])
        #expect(sent.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(try group.receive(timeout: .zero)?.message.frames == [Data("2".utf8)])
        try server.send([Data("3".utf8)], to: Self.peer("a"))
        Thread { _ = try? server.send([Data("4".utf8)], to: Self.peer("a")); sent.signal() }.start()
        group.close()
        #expect(sent.wait(timeout: .now() + .seconds(5)) == .success, "close did not release a waiting sender")
    }
}
