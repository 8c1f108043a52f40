/// Log lines for refused messages. A peer can send refusable messages as fast as the socket carries them (22,440
/// fuzzed messages once made as many log lines), so each kind of refusal is logged in full its first
/// `fullLines` times, then only at its 10th, 100th, 1000th, … occurrence, with the count. The kinds are few (an
/// error code and a body kind); past `maxKinds` further kinds share one counter, so the table stays bounded too.
struct RefusalLog {
    static let fullLines = 3
    static let maxKinds = 256
    private var counts: [String: Int] = [:]

    /// The line to log for one refusal of `kind`, or nil when this occurrence is only counted.
    mutating func note(_ kind: String, _ line: String) -> String? {
        let key = counts[kind] != nil || counts.count < Self.maxKinds ? kind : "other"
        let count = (counts[key] ?? 0) + 1
        counts[key] = count
        if count <= Self.fullLines { return line }
        guard Self.isPowerOfTen(count) else { return nil }
        return "\(line) [\(count) refusals of this kind so far; logged again at \(count * 10)]"
    }

    /// How many refusals of `kind` were noted.
    func count(of kind: String) -> Int { counts[kind] ?? 0 }

    private static func isPowerOfTen(_ value: Int) -> Bool {
        var rest = value
        while rest >= 10, rest % 10 == 0 { rest /= 10 }
        return rest == 1
    }
}
