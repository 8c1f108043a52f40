import Foundation
import LetheTransport
import Testing

@Suite(.serialized) struct ZMQTransportTests {
    @Test func routerAndDealerExchangeOverTCPLoopback() throws {
        let context = try ZMQContext()
        let server = EchoServer(try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*", options: testOptions()))
        defer { server.stop() }
        #expect(server.endpoint.hasPrefix("tcp://127.0.0.1:") && !server.endpoint.hasSuffix(":*"))
        let client = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: testOptions())
        defer { client.close() }
        let big = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })  // over the zero-copy threshold
        let reply = try #require(try roundTrip(client, [Data("hello".utf8), Data(), big]))
        #expect(reply.peer == .server)
        #expect(reply.frames == [Data("hello".utf8), Data(), big, Data()])  // plaintext: empty User-Id
        #expect(server.messages.first?.userID == nil)
    }

    @Test func routerAndDealerExchangeOverIPC() throws {
        let context = try ZMQContext()
        let path = "ipc:///tmp/lethe-wire-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let server = EchoServer(try ZMQTransport.router(context: context, bind: path, options: testOptions()))
        defer { server.stop() }
        let client = try ZMQTransport.dealer(context: context, connect: path, options: testOptions())
        defer { client.close() }
        #expect(try roundTrip(client, [Data("over ipc".utf8)])?.frames.first == Data("over ipc".utf8))
    }

    @Test func receiveTimesOutWithNil() throws {
        let context = try ZMQContext()
        let router = try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*", options: testOptions())
        defer { router.close() }
        let start = ContinuousClock.now
        #expect(try router.receive(timeout: .milliseconds(100)) == nil)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(90) && elapsed < .seconds(2))
    }

    @Test func sendingToAnUnknownPeerThrows() throws {
        let context = try ZMQContext()
        let router = try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*", options: testOptions())
        defer { router.close() }
        let stranger = PeerID(Data([0, 1, 2, 3, 4]))
        #expect(throws: TransportError.peerUnreachable(peer: stranger)) { try router.send([Data("x".utf8)], to: stranger) }
        #expect(throws: TransportError.emptyMessage) { try router.send([], to: stranger) }
    }

    /// ZMQ_MAXMSGSIZE (set before bind) drops the oversized message and disconnects its sender; the server goes
    /// on serving other clients.
    @Test func oversizedMessageIsDroppedAndServerServesTheNext() throws {
        let context = try ZMQContext()
        let server = EchoServer(try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*",
                                                         options: testOptions(maxMessageBytes: 1024)))
        defer { server.stop() }
        let heavy = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: testOptions())
        defer { heavy.close() }
        #expect(try roundTrip(heavy, [Data("warm-up".utf8)]) != nil)
        #expect(try roundTrip(heavy, [Data(count: 4096)], timeout: .milliseconds(300)) == nil)
        let light = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: testOptions())
        defer { light.close() }
        #expect(try roundTrip(light, [Data(count: 1000)])?.frames.first == Data(count: 1000))
        #expect(server.messages.map { $0.frames[0].count } == [7, 1000])
    }

    /// Closing sockets with queued, undeliverable messages and then releasing the context returns promptly.
    @Test func shutdownWithPendingMessagesDoesNotHang() throws {
        let start = ContinuousClock.now
        do {
            let context = try ZMQContext()
            let client = try ZMQTransport.dealer(context: context, connect: "tcp://127.0.0.1:9", options: refusedOptions)
            #expect(throws: TransportError.sendTimedOut(milliseconds: 500)) { try client.send([Data("lost".utf8)], to: .server) }
            client.close()
            #expect(throws: TransportError.closed) { try client.send([Data("x".utf8)], to: .server) }
        }
        #expect(ContinuousClock.now - start < .seconds(3))
    }
}
