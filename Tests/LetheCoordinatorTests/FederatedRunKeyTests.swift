import LetheFederation
import Testing
@testable import LetheCoordinator

/// The cache key of `lethe simulate --cache-dir`: every input of a federated run changes it, nothing else does.
@Suite struct FederatedRunKeyTests {
    static func key(seed: UInt64 = 1, rounds: Int = 5) -> FederatedRunKey {
        var training = FederationConfiguration.Training()
        training.rounds = rounds
        training.seed = seed
        return FederatedRunKey(seed: seed, clients: 4, partition: "iid", trainPerClient: 3000, testPerClient: 500,
                               training: training, aggregation: .weightedMean)
    }

    static let forget = [5, 3, 9]

    @Test func theSameInputsGiveTheSameNamesInAnyForgetOrder() {
        let a = Self.key(), b = Self.key()
        #expect(a.originalFileName == b.originalFileName)
        #expect(a.retrainFileName(scenario: "ids", forgetIDs: [5, 3, 9])
                == b.retrainFileName(scenario: "ids", forgetIDs: [9, 5, 3]))
        #expect(a.original.contains("seed=1 clients=4 partition=iid train=3000 test=500 rounds=5 local-epochs=2 "
                                    + "batch=128 lr=0.05 momentum=0.9 weight-decay=0.0005"))
    }

    @Test func theSeedTheRoundsAndTheForgetSetChangeTheKey() {
        let base = Self.key()
        for other in [Self.key(seed: 2), Self.key(rounds: 6)] {
            #expect(other.original != base.original)
            #expect(other.originalFileName != base.originalFileName)
            #expect(other.retrainFileName(scenario: "ids", forgetIDs: Self.forget)
                    != base.retrainFileName(scenario: "ids", forgetIDs: Self.forget))
        }
        let name = base.retrainFileName(scenario: "ids", forgetIDs: Self.forget)
        #expect(base.retrainFileName(scenario: "ids", forgetIDs: [5, 3, 10]) != name)
        #expect(base.retrainFileName(scenario: "ids", forgetIDs: [5, 3]) != name)
        #expect(base.retrainFileName(scenario: "class:3", forgetIDs: Self.forget) != name)
        #expect(name.hasPrefix("retrain-" + base.originalFileName.dropFirst("original-".count).prefix(16)))
    }

    @Test func theDataLimitsAndTheOptimiserChangeTheKey() {
        let base = Self.key()
        var full = base
        full.trainPerClient = nil
        var momentum = base
        momentum.training.momentum = 0.5
        var median = base
        median.aggregation = .median
        var partition = base
        partition.partition = "dirichlet:0.5"
        let names = [base, full, momentum, median, partition].map(\.originalFileName)
        #expect(Set(names).count == names.count)
        #expect(full.original.contains("train=full"))
    }

    /// FNV-1a 64 reference values (the empty input is the offset basis; "a" is the published test vector).
    @Test func fnv1aMatchesItsReference() {
        #expect(FederatedRunKey.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(FederatedRunKey.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
    }
}
