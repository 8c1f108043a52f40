import Foundation
import LetheTensor
import LetheWire
import Testing

@Suite struct RoundTripTests {
    /// Every body kind survives encode → decode-and-validate unchanged.
    @Test(arguments: Samples.bodies.map(\.fieldName))
    func everyKindRoundTrips(kind: String) throws {
        let body = try #require(Samples.bodies.first { $0.fieldName == kind })
        let original = Samples.envelope(body)
        let decoded = try WireCodec.decode(try WireCodec.encode(original))
        #expect(decoded == original)
        #expect(decoded.body?.fieldName == kind)
    }

    @Test func sampleListCoversEveryBodyKind() {
        #expect(Set(Samples.bodies.map(\.fieldName)).count == 21)
    }

    @Test func tensorRoundTripsBitExactly() throws {
        let back = try Tensor(wire: Samples.tensor.wire)
        #expect(back.shape == [2, 3])
        #expect(back.storage.map(\.bitPattern) == Samples.tensor.storage.map(\.bitPattern))
        #expect(Samples.tensor.wire.data.count == 24)
    }

    @Test func scalarAndEmptyTensorsRoundTrip() throws {
        let scalar = Tensor(shape: [], storage: [4.5])
        #expect(try Tensor(wire: scalar.wire) == scalar)
        let empty = Tensor(shape: [0, 5], storage: [])
        #expect(try Tensor(wire: empty.wire) == empty)
    }

    /// Byte layout is little-endian float32: 1.0 is 00 00 80 3f.
    @Test func tensorBytesAreLittleEndianFloat32() {
        let data = Tensor(shape: [1], storage: [1]).wire.data
        #expect([UInt8](data) == [0x00, 0x00, 0x80, 0x3f])
    }

    @Test func maskRoundTripsAndKeepsLayout() throws {
        let mask = Samples.mask
        #expect(try WireMask(wire: mask.wire) == mask)
        #expect(mask.popCount == 4 && mask.setIndices == [0, 3, 64, 69])
        #expect([UInt8](mask.wire.words) == [0x09, 0, 0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0, 0, 0, 0, 0])
        #expect(WireMask([true, false, true]).setIndices == [0, 2])
    }

    @Test func sparseDeltaGathersScattersAndRoundTrips() throws {
        let dense: [Float] = [1, 2, 3, 4, 5]
        let delta = WireSparseDelta(gathering: dense, mask: WireMask(bitCount: 5, setting: [1, 4]))
        #expect(delta.values == [2, 5])
        #expect(delta.scattered() == [0, 2, 0, 0, 5])
        #expect(try WireSparseDelta(wire: delta.wire) == delta)
    }

    @Test func statisticsRoundTripAndMergeExactly() throws {
        let stats = Samples.statistics
        #expect(try WireFeatureStatistics(featureDim: 2, wireClasses: stats.wireClasses) == stats)
        let other = WireFeatureStatistics(featureDim: 2, classes: [.init(label: 7, count: 2, sum: [1, 1], sumSquares: [2, 2]),
                                                                    .init(label: 3, count: 1, sum: [0, 1], sumSquares: [0, 1])])
        let merged = stats.merged(with: other)
        #expect(merged.classes.map(\.label) == [0, 3, 7])
        #expect(merged.classes[2] == .init(label: 7, count: 3, sum: [0.5, 1.25], sumSquares: [2.25, 2.0625]))
    }

    @Test func metricsRoundTrip() throws {
        #expect(try WireMetrics(wire: Samples.metrics.wire) == Samples.metrics)
    }

    /// A tensor split into chunks reassembles to the original, whatever the arrival order.
    @Test func chunkedTensorReassemblesInAnyOrder() throws {
        let tensor = Tensor(shape: [10, 3], storage: (0..<30).map(Float.init))
        let pieces = tensor.wirePieces(maxElements: 7)
        #expect(pieces.count == 5 && pieces.allSatisfy { $0.chunk != nil })
        var assembler = TensorReassembler()
        var result: Tensor?
        for piece in pieces.reversed() { result = try assembler.add(piece.tensor, chunk: piece.chunk!) }
        #expect(result == tensor)
        #expect(tensor.wirePieces(maxElements: 30).first?.chunk == nil)
    }

    @Test func reassemblerRefusesDuplicatesAndGaps() throws {
        let tensor = Tensor(shape: [6], storage: [1, 2, 3, 4, 5, 6])
        let pieces = tensor.wirePieces(maxElements: 2)
        var assembler = TensorReassembler()
        _ = try assembler.add(pieces[0].tensor, chunk: pieces[0].chunk!)
        #expect(throws: WireError.invalidValue(field: "tensor.chunk.index", detail: "chunk 0 arrived twice")) {
            _ = try assembler.add(pieces[0].tensor, chunk: pieces[0].chunk!)
        }
        var overlapping = pieces[2].chunk!
        overlapping.elementOffset = 3
        _ = try assembler.add(pieces[1].tensor, chunk: pieces[1].chunk!)
        #expect(throws: WireError.shapeMismatch(field: "tensor.chunk", detail: "chunk 2 overlaps chunk 1")) {
            _ = try assembler.add(pieces[2].tensor, chunk: overlapping)
        }
        #expect(try assembler.add(pieces[2].tensor, chunk: pieces[2].chunk!) == tensor)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func errorBodyCarriesCodeFieldAndMessage() {
        let body = WireError.nonFinite(field: "model_weights.parameters.data", index: 3).errorBody(inReplyTo: 8)
        #expect(body.code == .nonFinite && body.field == "model_weights.parameters.data" && body.inReplyTo == 8)
        #expect(body.message.contains("element 3"))
    }
}
