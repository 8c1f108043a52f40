import LetheClient
import LetheData
import Testing

@Suite struct PartitionTests {
    let train = bandImages(count: 400, seed: 3, firstID: 0)
    let test = bandImages(count: 100, seed: 4, firstID: 0)

    @Test func clientsGetDisjointDeterministicSharesCoveringTheSet() throws {
        for kind in [ClientPartition.Kind.iid, .dirichlet(alpha: 0.5)] {
            let shares = try (0..<4).map { try ClientPartition(seed: 3, clients: 4, index: $0, kind: kind)
                .trainPositions(in: train) }
            #expect(shares.flatMap { $0 }.sorted() == Array(0..<400), "\(kind)")
            #expect(try ClientPartition(seed: 3, clients: 4, index: 2, kind: kind).trainPositions(in: train) == shares[2])
            #expect(try ClientPartition(seed: 4, clients: 4, index: 2, kind: kind).trainPositions(in: train) != shares[2])
        }
    }

    @Test func limitAndTestSliceAreSeededSubsets() throws {
        let full = try ClientPartition(seed: 3, clients: 4, index: 1).trainPositions(in: train)
        let spec = try ClientPartition(seed: 3, clients: 4, index: 1, limit: 30, testLimit: 10)
        let limited = try spec.trainPositions(in: train)
        #expect(limited.count == 30 && Set(limited).isSubset(of: full) && limited == limited.sorted())
        let slices = try (0..<4).map { try ClientPartition(seed: 3, clients: 4, index: $0, testLimit: 10)
            .testPositions(in: test) }
        #expect(slices.allSatisfy { $0.count == 10 })
        #expect(Set(slices.flatMap { $0 }).count == 40)
        let data = try spec.data(train: train, test: test)
        #expect(data.train.ids == limited && data.test.count == 10)
    }

    @Test func badSpecificationsSayWhatToFix() throws {
        #expect(try ClientPartition.Kind(parsing: "dirichlet:0.3") == .dirichlet(alpha: 0.3))
        #expect(throws: PartitionSpecError.badKind("dirichlet:-1")) { try ClientPartition.Kind(parsing: "dirichlet:-1") }
        #expect(throws: PartitionSpecError.badIndex(index: 4, clients: 4)) { try ClientPartition(seed: 1, clients: 4, index: 4) }
        #expect(throws: PartitionSpecError.badLimit(0)) { try ClientPartition(seed: 1, clients: 4, index: 0, limit: 0) }
        #expect(PartitionSpecError.badKind("x").description.contains("dirichlet:α"))
    }
}
