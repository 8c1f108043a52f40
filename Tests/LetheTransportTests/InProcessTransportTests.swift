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
