/// An original model the coordinator publishes instead of training it (`lethe coordinator --initial-model`).
///
/// Training the original is deterministic given the seed and the configuration, so `lethe simulate --cache-dir`
/// trains it once and hands the weights back on later runs. The node then publishes them as if its FedAvg rounds had
/// run: the same activity name ("original"), the same model version (one per round) and the same wire round
/// numbers, so the deletion job and the comparison runs after it see exactly what they would have seen.
public struct LoadedOriginal: Sendable {
    /// The flat weights, in the layout's arena order.
    public var weights: [Float]
    /// Wall seconds the original took to train when it was trained (0 when unknown); reported as its time.
    public var trainSeconds: Double
    /// Where the weights came from (a file path), for the log, the activity report and the store.
    public var source: String

    public init(weights: [Float], trainSeconds: Double, source: String) {
        self.weights = weights
        self.trainSeconds = trainSeconds
        self.source = source
    }
}
