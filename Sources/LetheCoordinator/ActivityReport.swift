import Foundation

/// What the coordinator did, for operators and `lethe simulate`: one entry per training run or deletion job, with
/// its wall time, the version it produced and the bytes it moved. Written as `activities.json` in the output folder
/// after every entry.
public struct ActivityReport: Codable, Equatable, Sendable {
    /// "original", "wss-cl", "retrain", "ft".
    public var name: String
    /// "training" or "unlearning".
    public var kind: String
    public var modelVersion: UInt64?
    public var modelPath: String?
    public var seconds: Double
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    /// Bytes per phase ("<phase>.sent" / "<phase>.received"; training rounds as "round-N.sent" …).
    public var phaseBytes: [String: UInt64]
    public var phaseSeconds: [String: Double]
    /// Per FedAvg round of a training run, in order: the mean of the clients' reported training losses (each the
    /// cross-entropy of its last local epoch), weighted by sample count; nil (absent from the JSON) where no round
    /// ran here.
    public var roundLoss: [Double]?
    /// The same weighted mean of the clients' training accuracy (percent) over their last local epoch, per round.
    public var roundAccuracy: [Double]?
    public var requestID: String?
    public var failure: String?
    /// Messages by direction and body kind since the previous report (the first report includes registration).
    public var messages: WireCensus?
    /// For an original published from a checkpoint instead of trained (`LoadedOriginal`): that file; `seconds` is
    /// then the training time recorded in it. Nil (and absent from the JSON) for everything trained or unlearned here.
    public var loadedFrom: String?

    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
        self.seconds = 0
        self.bytesSent = 0
        self.bytesReceived = 0
        self.phaseBytes = [:]
        self.phaseSeconds = [:]
    }
}
