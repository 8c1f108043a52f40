import Foundation

/// Every message that crossed the coordinator's socket, by direction and `Envelope` body kind: how many and how many
/// bytes (encoded envelopes). The coordinator is the hub of the star, so this is the federation's whole traffic; it
/// is how issue 8's "no raw sample crosses the wire" is audited (`wire-census.json` in the output folder).
public struct WireCensus: Codable, Equatable, Sendable {
    /// Messages and bytes of one kind in one direction.
    public struct Tally: Codable, Equatable, Sendable {
        public var messages: UInt64 = 0
        public var bytes: UInt64 = 0
        public var largestBytes: UInt64 = 0
        public init() {}
    }

    /// Keyed "sent.<body kind>" or "received.<body kind>" (protobuf field names, e.g. "received.train_update";
    /// "received.undecodable" for bytes that were not a valid envelope).
    public var kinds: [String: Tally] = [:]

    public init() {}

    public mutating func count(_ kind: String, sent: Bool, bytes: Int) {
        let key = "\(sent ? "sent" : "received").\(kind)"
        var tally = kinds[key] ?? Tally()
        tally.messages += 1
        tally.bytes += UInt64(bytes)
        tally.largestBytes = max(tally.largestBytes, UInt64(bytes))
        kinds[key] = tally
    }

    /// What was counted in `self` beyond `earlier` (a census taken before).
    public func since(_ earlier: WireCensus) -> WireCensus {
        var delta = WireCensus()
        for (key, tally) in kinds {
            let before = earlier.kinds[key] ?? Tally()
            guard tally.messages > before.messages else { continue }
            var d = Tally()
            d.messages = tally.messages - before.messages
            d.bytes = tally.bytes - before.bytes
            d.largestBytes = tally.largestBytes
            delta.kinds[key] = d
        }
        return delta
    }
}
