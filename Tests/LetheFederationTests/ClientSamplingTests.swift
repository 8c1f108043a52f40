import Foundation
import Testing
@testable import LetheFederation

/// `fractionFit`: which clients a FedAvg round asks (Flower's fraction_fit), drawn per round from the seed.
@Suite struct ClientSamplingTests {
    static let live: Set<ClientID> = Set((0..<20).map { "client-\($0)" })

    static func strategy(fraction: Double, minimum: Int = 1, seed: UInt64 = 1) -> FederatedTraining {
        var training = FederationConfiguration.Training()
        (training.fractionFit, training.minimumClients, training.seed) = (fraction, minimum, seed)
        return FederatedTraining(training: training)
    }

    @Test func everyoneAtOneAndTheCeilingOfTheFractionOtherwise() {
        #expect(Self.strategy(fraction: 1).sampleClients(Self.live, round: 3) == Self.live)
        for (fraction, expected) in [(0.05, 1), (0.1, 2), (0.26, 6), (0.5, 10), (0.99, 20)] {
            let asked = Self.strategy(fraction: fraction).sampleClients(Self.live, round: 1)
            #expect(asked.count == expected, "fraction \(fraction)")
            #expect(asked.isSubset(of: Self.live))
        }
        #expect(Self.strategy(fraction: 0.05, minimum: 4).sampleClients(Self.live, round: 1).count == 4)
        #expect(Self.strategy(fraction: 0.05, minimum: 50).sampleClients(Self.live, round: 1) == Self.live)
        #expect(Self.strategy(fraction: 0.5).sampleClients([], round: 1).isEmpty)
    }

    /// The same seed and round give the same clients; rounds and seeds draw differently, and over many rounds every
    /// client is asked about as often as the fraction says.
    @Test func theDrawIsSeededPerRoundAndFair() {
        let strategy = Self.strategy(fraction: 0.25)
        #expect(strategy.sampleClients(Self.live, round: 7) == strategy.sampleClients(Self.live, round: 7))
        let rounds = (1...400).map { strategy.sampleClients(Self.live, round: UInt64($0)) }
        #expect(Set(rounds.prefix(10)).count > 1, "every round drew the same clients")
        #expect(Self.strategy(fraction: 0.25, seed: 2).sampleClients(Self.live, round: 7)
                != strategy.sampleClients(Self.live, round: 7))
        var asked: [ClientID: Int] = [:]
        for round in rounds { for client in round { asked[client, default: 0] += 1 } }
        // 5 of 20 per round over 400 rounds: 100 each expected; binomial σ ≈ 8.7, so 60...140 is > 4.5 σ.
        #expect(asked.count == 20 && asked.values.allSatisfy { (60...140).contains($0) }, "\(asked)")
    }

    @Test func aFractionOutsideItsRangeIsRefusedAndOldConfigurationsReadAsOne() throws {
        for bad in [0.0, -0.5, 1.5, Double.nan] {
            var configuration = FederationConfiguration()
            configuration.training.fractionFit = bad
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
        }
        // A configuration recorded before the field existed (ledgers, certificates).
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(FederationConfiguration())) as! [String: Any]
        var training = json["training"] as! [String: Any]
        training.removeValue(forKey: "fractionFit")
        json["training"] = training
        let old = try JSONDecoder().decode(FederationConfiguration.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(old.training.fractionFit == 1 && old == FederationConfiguration())
    }
}
