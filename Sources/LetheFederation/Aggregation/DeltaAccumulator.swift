import LetheTensor
import LetheWire

/// Collects the holders' masked deltas of one phase and combines them by the configured rule.
///
/// Why: a class deletion at a thousand virtual clients has ~1,000 holders; keeping every delta until the phase ended,
/// then a dense copy of each for the aggregation, cost the coordinator ~1.5 GiB. The weighted mean is folded one
/// delta at a time (`MaskedWeightedSum`) in the holders' sorted order (`SortedArrivals`), so the result is the same
/// for every arrival order. Robust rules (median, trimmed mean) need all values of a coordinate at once and keep
/// every delta.
public struct DeltaAccumulator: Sendable {
    public let rule: AggregationRule
    private var arrivals: SortedArrivals<DeltaContribution>
    private var running: MaskedWeightedSum
    private var kept: [DeltaContribution] = []

    /// An accumulator expecting deltas from `holders` over `mask`.
    public init(holders: Set<ClientID>, mask: WeightMask, rule: AggregationRule) {
        self.rule = rule
        self.arrivals = SortedArrivals(holders)
        self.running = MaskedWeightedSum(mask: mask)
    }

    /// Deltas received but not yet folded (those behind a holder still missing).
    public var waitingCount: Int { arrivals.waitingCount }

    /// Takes `client`'s delta; throws when it cannot be combined (it is then not kept, and nothing was summed).
    public mutating func add(_ contribution: DeltaContribution, from client: ClientID) throws(AggregationError) {
        try DeltaAggregation.check(contribution.delta, fits: running.mask, from: "delta from \(client)")
        for ready in arrivals.arrive(contribution, from: client) {
            if rule == .weightedMean { running.add(checked: ready) } else { kept.append(ready) }
        }
    }

    /// The combined delta of every holder that answered, in sorted order.
    public func combined() throws(AggregationError) -> WireSparseDelta {
        guard rule == .weightedMean else {
            return try DeltaAggregation.combine(checked: kept + arrivals.remaining, mask: running.mask, rule: rule)
        }
        var sum = running
        for contribution in arrivals.remaining { sum.add(checked: contribution) }
        return try sum.mean()
    }
}
