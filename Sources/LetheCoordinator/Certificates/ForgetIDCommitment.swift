import Crypto
import Foundation

/// A commitment to the set of sample ids a deletion named, so a certificate binds to exactly that set without
/// listing it: `SHA-256("lethe-forget-ids/1\n" + salt + "\n" + the sorted, distinct ids in decimal, one per line)`.
///
/// It *binds*: no other set gives the same digest. It *hides* only what cannot be guessed: the salt is in the
/// certificate, so a set small enough to enumerate (one id of a public data set) can be found by trying them all.
/// The certificate leaves the ids out so that it can be shown to an auditor without listing a person's samples; the
/// holder proves the match with its own ids file (`lethe certificate verify --ids`).
public struct ForgetIDCommitment: Codable, Equatable, Sendable {
    public static let scheme = "sha256-sorted-ids/1"
    /// How the digest was made (`scheme`).
    public var scheme: String
    /// 32 lowercase hex digits.
    public var salt: String
    /// The digest, lowercase hex.
    public var sha256: String
    /// How many distinct ids the set holds.
    public var count: Int

    /// The commitment to `ids` with `salt`.
    public init(ids: [Int], salt: String) {
        let sorted = Array(Set(ids)).sorted()
        (scheme, self.salt, count) = (Self.scheme, salt, sorted.count)
        sha256 = Self.digest(sorted, salt: salt)
    }

    /// Whether `ids` (in any order, repeats ignored) is the committed set.
    public func matches(_ ids: [Int]) -> Bool {
        let sorted = Array(Set(ids)).sorted()
        return sorted.count == count && Self.digest(sorted, salt: salt) == sha256
    }

    static func digest(_ sorted: [Int], salt: String) -> String {
        var text = "lethe-forget-ids/1\n\(salt)\n"
        for id in sorted { text += "\(id)\n" }
        return Hex.encode(Data(SHA256.hash(data: Data(text.utf8))))
    }

    /// A salt the signer derives from its secret key and the request id: unpredictable to others, and the same each
    /// time, so a certificate issued again after a restart is byte-for-byte the first one.
    public static func salt(for requestID: String, key: SigningKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("lethe-forget-ids-salt/1\n\(requestID)".utf8),
                                                   using: SymmetricKey(data: key.privateKey.rawRepresentation))
        return String(Hex.encode(Data(mac)).prefix(32))
    }
}
