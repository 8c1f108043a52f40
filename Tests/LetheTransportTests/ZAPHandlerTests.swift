import Foundation
@testable import LetheTransport
import Testing

/// The ZAP replies themselves (RFC 27): 200 with the Z85 key as User-Id for a listed CURVE key, 400 otherwise.
@Suite struct ZAPHandlerTests {
    private func request(mechanism: String, key: Data) -> [Data] {
        [Data("1.0".utf8), Data("42".utf8), Data("lethe".utf8), Data("127.0.0.1".utf8), Data(), Data(mechanism.utf8), key]
    }

    @Test func listedKeyIsAdmittedWithItsKeyAsUserID() throws {
        let context = try ZMQContext()
        let keys = try CurveKeyPair.generate()
        let binary = try #require(CurveKeyPair.binaryKey(z85: keys.publicKey))
        #expect(CurveKeyPair.z85(binaryKey: binary) == keys.publicKey)
        let handler = try ZAPHandler(context: context, allowedClientKeys: [keys.publicKey])
        defer { handler.stop() }
        let reply = handler.reply(to: request(mechanism: "CURVE", key: binary))
        #expect(reply == [Data("1.0".utf8), Data("42".utf8), Data("200".utf8), Data("OK".utf8), Data(keys.publicKey.utf8), Data()])
    }

    @Test func unlistedKeysOtherMechanismsAndTruncatedRequestsAreRefused() throws {
        let context = try ZMQContext()
        let handler = try ZAPHandler(context: context, allowedClientKeys: [])
        defer { handler.stop() }
        for bad in [request(mechanism: "CURVE", key: Data(count: 32)), request(mechanism: "NULL", key: Data()),
                    request(mechanism: "CURVE", key: Data(count: 5)), [Data("1.0".utf8)], []] {
            #expect(handler.reply(to: bad)[2] == Data("400".utf8))
        }
    }

    @Test func stopIsIdempotentAndQuick() throws {
        let context = try ZMQContext()
        let handler = try ZAPHandler(context: context, allowedClientKeys: [])
        let start = ContinuousClock.now
        handler.stop()
        handler.stop()
        #expect(ContinuousClock.now - start < .seconds(1))
    }

}
