import Testing
import LetheData

@Suite struct CanaryTests {
    /// 3 images of 1×8×8, pixel value = 10 · sample + 1 everywhere.
    func tiny(labels: [Int32] = [0, 1, 2]) -> ImageDataset {
        let images = labels.indices.flatMap { [UInt8](repeating: UInt8(10 * $0 + 1), count: 64) }
        return ImageDataset(images: images, labels: labels, ids: [7, 8, 9], channels: 1, height: 8, width: 8,
                            classCount: 3)
    }

    @Test func thePatternIsSeededAndFiveEighthsBright() {
        let canary = Canary(target: 1)
        #expect(canary.pattern == Canary(target: 2).pattern, "the pattern depends on the seed, not the target")
        #expect(canary.pattern.count == 16)
        #expect(canary.pattern.filter { $0 == 255 }.count == 10)
        #expect(canary.pattern.allSatisfy { $0 == 0 || $0 == 255 })
        #expect(Canary(target: 1, seed: 5).pattern != canary.pattern)
    }

    @Test func stampingWritesOnlyTheCornerOfTheChosenSamplesAndRelabelsThem() throws {
        let canary = Canary(target: 2, size: 3)
        let data = tiny()
        let stamped = try canary.stamped(data, at: [1], relabel: true)
        #expect(stamped.labels == [0, 2, 2])
        #expect(stamped.ids == data.ids)
        #expect(Array(stamped.images[0..<64]) == Array(data.images[0..<64]))
        #expect(Array(stamped.images[128..<192]) == Array(data.images[128..<192]))
        let pattern = canary.pattern
        for row in 0..<8 {
            for column in 0..<8 {
                let pixel = stamped.images[64 + row * 8 + column]
                let inPatch = (4..<7).contains(row) && (4..<7).contains(column)
                #expect(pixel == (inPatch ? pattern[(row - 4) * 3 + column - 4] : 11), "row \(row) column \(column)")
            }
        }
        #expect(try canary.stamped(data, at: [1], relabel: true) == stamped, "stamping is deterministic")
        #expect(try canary.stamped(data, at: [1], relabel: false).labels == data.labels)
    }

    @Test func theAttackSetIsEveryNonTargetImageTriggeredWithItsTrueLabel() throws {
        let canary = Canary(target: 1, size: 2)
        let triggered = try canary.triggeredTest(tiny())
        #expect(triggered.labels == [0, 2])
        #expect(triggered.ids == [7, 9])
        #expect(triggered == (try canary.stamped(tiny().subset([0, 2]), at: [0, 1], relabel: false)))
    }

    @Test func parsingAcceptsTheDocumentedFormsAndRefusesTheRest() throws {
        #expect(try Canary.parse("none") == nil)
        #expect(try Canary.parse("target:3") == Canary(target: 3))
        #expect(try Canary.parse("target:3,size:5,seed:9") == Canary(target: 3, size: 5, seed: 9))
        #expect(Canary(target: 3, size: 5, seed: 9).description == "target:3,size:5,seed:9")
        #expect(Canary(target: 3).description == "target:3")
        for bad in ["", "target", "target:x", "class:3", "target:1,target:2", "target:1,size:big"] {
            #expect(throws: CanaryError.unparsable(text: bad)) { try Canary.parse(bad) }
        }
    }

    @Test func aTargetOutsideTheClassesOrATriggerTooLargeIsRefused() {
        #expect(throws: CanaryError.targetOutOfRange(target: 12, classCount: 10)) {
            try Canary(target: 12).validate(classCount: 10, height: 28, width: 28)
        }
        #expect(throws: CanaryError.triggerTooLarge(size: 7, height: 8, width: 8)) {
            try Canary(target: 0, size: 7).stamped(tiny(), at: [0], relabel: true)
        }
        #expect(throws: CanaryError.positionOutOfRange(position: 3, count: 3)) {
            try Canary(target: 0).stamped(tiny(), at: [3], relabel: true)
        }
        #expect(CanaryError.targetOutOfRange(target: 12, classCount: 10).description.contains("0 to 9"))
    }
}
