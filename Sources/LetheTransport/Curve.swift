import CZeroMQ
import Foundation

/// A CURVE key pair as 40-character Z85 strings (the form libzmq, key files and allow-lists use).
public struct CurveKeyPair: Sendable, Equatable {
    public let publicKey: String
    public let secretKey: String

    /// A key pair from existing Z85 keys, checked for form.
    public init(publicKey: String, secretKey: String) throws(TransportError) {
        try CurveKeyPair.checkZ85(publicKey)
        try CurveKeyPair.checkZ85(secretKey)
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh key pair from libsodium's random source (`zmq_curve_keypair`).
    public static func generate() throws(TransportError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw .lastZMQ("zmq_curve_keypair") }
        return try CurveKeyPair(publicKey: z85String(publicKey), secretKey: z85String(secretKey))
    }

    /// The Z85 text of a NUL-terminated key buffer (avoids the deprecated `String(cString: [CChar])`).
    static func z85String(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Z85 encoding of a 32-byte binary key (how the ZAP handler receives client keys).
    static func z85(binaryKey: Data) -> String? {
        guard binaryKey.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        let ok = binaryKey.withUnsafeBytes { zmq_z85_encode(&text, $0.bindMemory(to: UInt8.self).baseAddress, 32) != nil }
        return ok ? z85String(text) : nil
    }

    /// The 32-byte binary form of a 40-character Z85 key, or nil when the text is not one.
    static func binaryKey(z85 key: String) -> Data? {
        guard key.utf8.count == 40 else { return nil }
        var binary = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&binary, key) != nil ? Data(binary) : nil
    }

    static func checkZ85(_ key: String) throws(TransportError) {
        guard key.utf8.count == 40 else { throw .invalidKey(reason: "\(key.utf8.count) characters instead of 40") }
        guard binaryKey(z85: key) != nil else { throw .invalidKey(reason: "not Z85 text") }
    }
}

/// The server side of CURVE: its secret key and the client public keys it admits (Ironhouse, FEDERATED.md §5.4.9).
public struct CurveServerConfig: Sendable {
    public let keyPair: CurveKeyPair
    /// Z85 public keys of the clients allowed to connect; every other key is refused during the handshake.
    public let allowedClientKeys: Set<String>

    public init(keyPair: CurveKeyPair, allowedClientKeys: Set<String>) {
        self.keyPair = keyPair
        self.allowedClientKeys = allowedClientKeys
    }
}

/// The client side of CURVE: its own key pair and the server's public key.
public struct CurveClientConfig: Sendable {
    public let keyPair: CurveKeyPair
    public let serverPublicKey: String

    public init(keyPair: CurveKeyPair, serverPublicKey: String) {
        self.keyPair = keyPair
        self.serverPublicKey = serverPublicKey
    }
}

extension ZMQSocket {
    /// ZMQ_ZAP_ENFORCE_DOMAIN sits in zmq.h's DRAFT section; libzmq 4.3.4 accepts it at run time (FEDERATED.md §5.1).
    static let zapEnforceDomain: Int32 = 93
    /// The ZAP domain Lethe's servers authenticate in.
    static let zapDomain = "lethe"

    /// Makes this socket a CURVE server that must consult the ZAP handler: without a handler it fails closed.
    func configureCurveServer(_ config: CurveServerConfig) throws(TransportError) {
        try set(ZMQ_CURVE_SERVER, Int32(1), "ZMQ_CURVE_SERVER")
        try set(ZMQ_CURVE_SECRETKEY, string: config.keyPair.secretKey, "ZMQ_CURVE_SECRETKEY")
        try set(ZMQ_ZAP_DOMAIN, string: Self.zapDomain, "ZMQ_ZAP_DOMAIN")
        try set(Self.zapEnforceDomain, Int32(1), "ZMQ_ZAP_ENFORCE_DOMAIN")
    }

    /// Makes this socket a CURVE client of the server with the given public key.
    func configureCurveClient(_ config: CurveClientConfig) throws(TransportError) {
        try CurveKeyPair.checkZ85(config.serverPublicKey)
        try set(ZMQ_CURVE_SERVERKEY, string: config.serverPublicKey, "ZMQ_CURVE_SERVERKEY")
        try set(ZMQ_CURVE_PUBLICKEY, string: config.keyPair.publicKey, "ZMQ_CURVE_PUBLICKEY")
        try set(ZMQ_CURVE_SECRETKEY, string: config.keyPair.secretKey, "ZMQ_CURVE_SECRETKEY")
    }
}
