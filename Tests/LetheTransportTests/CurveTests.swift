import Foundation
import LetheTransport
import Testing

/// CURVE with the ZAP allow-list: only listed client keys exchange messages, identified by their key.
@Suite(.serialized) struct CurveTests {
    let serverKeys: CurveKeyPair
    let allowedKeys: CurveKeyPair
    let refusalLines = Lines()
    let refusals: HandshakeRefusals
    init() throws {
        serverKeys = try CurveKeyPair.generate()
        allowedKeys = try CurveKeyPair.generate()
        refusals = HandshakeRefusals(report: { [refusalLines] in refusalLines.append($0) })
    }

    /// The refusal lines once `count` have arrived (they come from the ZAP and monitor threads), or after 3 s.
    private func refusalLog(count: Int) -> [String] {
        let deadline = ContinuousClock.now + .seconds(3)
        while refusalLines.all.count < count, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return refusalLines.all
    }

    private func startServer(_ context: ZMQContext) throws -> EchoServer {
        let config = CurveServerConfig(keyPair: serverKeys, allowedClientKeys: [allowedKeys.publicKey])
        return EchoServer(try ZMQTransport.router(context: context, bind: "tcp://127.0.0.1:*", options: testOptions(),
                                                  curve: config, refusals: refusals))
    }

    @Test func generatedKeysAreZ85AndDistinct() throws {
        #expect(serverKeys.publicKey.utf8.count == 40 && serverKeys.secretKey.utf8.count == 40)
        #expect(serverKeys != allowedKeys)
        #expect(throws: TransportError.invalidKey(reason: "3 characters instead of 40")) {
            try CurveKeyPair(publicKey: "abc", secretKey: serverKeys.secretKey)
        }
    }

    @Test func allowListedClientExchangesAndIsIdentifiedByItsKey() throws {
        let context = try ZMQContext()
        let server = try startServer(context)
        defer { server.stop() }
        let client = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: testOptions(),
                                             curve: CurveClientConfig(keyPair: allowedKeys, serverPublicKey: serverKeys.publicKey))
        defer { client.close() }
        let reply = try #require(try roundTrip(client, [Data("secret".utf8)]))
        #expect(reply.frames == [Data("secret".utf8), Data(allowedKeys.publicKey.utf8)])
        #expect(server.messages.map(\.userID) == [allowedKeys.publicKey])
    }

    @Test func unlistedKeyCannotExchangeASingleMessage() throws {
        let context = try ZMQContext()
        let server = try startServer(context)
        defer { server.stop() }
        let intruder = try CurveKeyPair.generate()
        let client = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: refusedOptions,
                                             curve: CurveClientConfig(keyPair: intruder, serverPublicKey: serverKeys.publicKey))
        defer { client.close() }
        // ZMQ_IMMEDIATE: with no accepted connection the message cannot even be queued.
        #expect(throws: TransportError.sendTimedOut(milliseconds: 500)) { try client.send([Data("let me in".utf8)], to: .server) }
        #expect(try client.receive(timeout: .milliseconds(200)) == nil)
        #expect(server.messages.isEmpty)
        // The refusal is per key: an allow-listed client of the same server still gets through.
        let member = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: testOptions(),
                                             curve: CurveClientConfig(keyPair: allowedKeys, serverPublicKey: serverKeys.publicKey))
        defer { member.close() }
        #expect(try roundTrip(member, [Data("member".utf8)])?.frames.first == Data("member".utf8))
        #expect(server.messages.map(\.userID) == [allowedKeys.publicKey])
        // Logged once with its cause, however often the intruder's DEALER reconnected.
        Thread.sleep(forTimeInterval: 0.5)
        let lines = refusalLog(count: 1)
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("from 127.0.0.1: key \(intruder.publicKey.prefix(8))… is not on the allow-list") == true)
        #expect(refusals.tally.map(\.count).reduce(0, +) >= 1)
    }

    @Test func aClientWithAnotherServersKeyIsRefusedAndLoggedOnce() throws {
        let context = try ZMQContext()
        let server = try startServer(context)
        defer { server.stop() }
        let otherServer = try CurveKeyPair.generate()
        let client = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: refusedOptions,
                                             curve: CurveClientConfig(keyPair: allowedKeys, serverPublicKey: otherServer.publicKey))
        defer { client.close() }
        #expect(throws: TransportError.sendTimedOut(milliseconds: 500)) { try client.send([Data("x".utf8)], to: .server) }
        #expect(server.messages.isEmpty)
        let lines = refusalLog(count: 1)
        #expect(lines.count == 1 && lines[0].contains("did not decrypt"), "\(lines)")
    }

    @Test func plaintextClientCannotTalkToCurveServer() throws {
        let context = try ZMQContext()
        let server = try startServer(context)
        defer { server.stop() }
        let client = try ZMQTransport.dealer(context: context, connect: server.endpoint, options: refusedOptions)
        defer { client.close() }
        #expect(throws: TransportError.sendTimedOut(milliseconds: 500)) { try client.send([Data("plain".utf8)], to: .server) }
        #expect(try client.receive(timeout: .milliseconds(200)) == nil)
        #expect(server.messages.isEmpty)
        let lines = refusalLog(count: 1)
        // Which side reads the other's greeting first is a race: a mismatch here, or the client hanging up first.
        // Either cause, each logged once however often the DEALER reconnected.
        #expect(!lines.isEmpty && Set(lines).count == lines.count, "\(lines)")
        #expect(lines.allSatisfy { $0.contains("is not CURVE (a plaintext client")
                                   || $0.contains("a plaintext client that read this CURVE greeting first") }, "\(lines)")
        #expect(refusals.tally.first?.count ?? 0 >= 1)
    }
}
