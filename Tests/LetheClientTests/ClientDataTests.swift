import LetheClient
import LetheData
import Testing

/// Poisoning a share (the canary a deletion later removes), as `lethe client --canary` and virtual clients do.
@Suite struct ClientDataPoisoningTests {
    let data = ClientData(train: bandImages(count: 12, seed: 1), test: bandImages(count: 4, seed: 2, firstID: 5000))
    let canary = Canary(target: 2)

    @Test func stampsAndRelabelsExactlyTheNamedSamples() throws {
        let poisoned = try data.poisoned(by: canary, ids: [1003, 1001])
        let expected = try canary.stamped(data.train, at: [1, 3], relabel: true)
        #expect(poisoned.train.images == expected.images)
        #expect(poisoned.train.labels == expected.labels)
        #expect(poisoned.train.labels[1] == 2 && poisoned.train.labels[3] == 2)
        #expect(poisoned.train.ids == data.train.ids, "ids are kept, so a deletion still names the same samples")
        #expect(poisoned.test.images == data.test.images, "the local test slice is never poisoned")
    }

    @Test func idsThisShareDoesNotHoldAreRefused() {
        #expect(throws: CanaryError.samplesNotHeld(count: 2, examples: [7, 9])) {
            try data.poisoned(by: canary, ids: [1000, 7, 9])
        }
    }
}
