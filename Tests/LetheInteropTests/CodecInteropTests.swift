import CLetheClient
import Foundation
import LetheTensor
import LetheWire
import Testing

/// The same content encoded by protobuf-c (C) and swift-protobuf (Swift) gives the same bytes, and each side
/// decodes the other's output to the same values.
@Suite struct CodecInteropTests {
    /// Calls a C encoder with a header whose strings live for the duration of the call.
    private func encodeInC(job: String, round: UInt64, sender: String, number: UInt64,
                           _ body: (UnsafePointer<lethe_header>, UnsafeMutablePointer<lethe_buffer>) -> Int32) throws -> Data {
        var buffer = lethe_buffer()
        let rc = job.withCString { jobPointer in
            sender.withCString { senderPointer in
                var header = lethe_header(job_id: jobPointer, round: round, sender_id: senderPointer,
                                          message_number: number, reply_to: 0)
                return body(&header, &buffer)
            }
        }
        defer { lethe_buffer_free(&buffer) }
        #expect(rc == Int32(LETHE_OK))
        guard rc == Int32(LETHE_OK) else { throw WireError.encodingFailed(reason: "C encoder returned \(rc)") }
        return Data(bytes: buffer.data, count: buffer.len)
    }

    @Test func helloEncodedInCMatchesSwiftByteForByte() throws {
        let labels: [UInt32] = [0, 1, 9]
        let fromC = try encodeInC(job: "", round: 0, sender: "client-7", number: 1) { header, out in
            lethe_encode_hello(header, "lethe-c 1", 3000, labels, labels.count, out)
        }
        var hello = Lethe_V1_Hello()
        hello.softwareVersion = "lethe-c 1"; hello.sampleCount = 3000; hello.classLabels = labels
        let swift = WireCodec.envelope(senderID: "client-7", messageNumber: 1, body: .hello(hello))
        #expect(try WireCodec.encode(swift) == fromC)
        #expect(try WireCodec.decode(fromC) == swift)
    }

    @Test func modelWeightsEncodedInCMatchesSwiftAndDecodesToSameTensor() throws {
        var rng = SeededGenerator(seed: 11)
        let tensor = Tensor(shape: [10, 100], storage: (0..<1000).map { _ in rng.nextNormal() })
        let shape: [Int64] = [10, 100]
        let fromC = try encodeInC(job: "job-3", round: 4, sender: "coordinator", number: 12) { header, out in
            lethe_encode_model_weights(header, 6, shape, 2, tensor.storage, 1000, out)
        }
        var weights = Lethe_V1_ModelWeights()
        weights.modelVersion = 6; weights.parameters = tensor.wire
        let swift = WireCodec.envelope(jobID: "job-3", round: 4, senderID: "coordinator", messageNumber: 12,
                                       body: .modelWeights(weights))
        #expect(try WireCodec.encode(swift) == fromC)
        guard case .modelWeights(let decoded)? = try WireCodec.decode(fromC).body else {
            Issue.record("C bytes did not decode to ModelWeights"); return
        }
        #expect(try Tensor(wire: decoded.parameters) == tensor)
    }

    @Test func swiftModelWeightsDecodeInC() throws {
        let tensor = Tensor(shape: [3, 2], storage: [1, -2, 3.5, 0, 1e-20, -7e10])
        var weights = Lethe_V1_ModelWeights()
        weights.modelVersion = 9; weights.parameters = tensor.wire
        let bytes = try WireCodec.encode(WireCodec.envelope(jobID: "job-9", round: 2, senderID: "coord", body: .modelWeights(weights)))
        var decoded = lethe_weights()
        let rc = bytes.withUnsafeBytes { lethe_decode_model_weights($0.bindMemory(to: UInt8.self).baseAddress, bytes.count, &decoded) }
        defer { lethe_weights_free(&decoded) }
        #expect(rc == Int32(LETHE_OK))
        #expect(decoded.model_version == 9 && decoded.round == 2 && decoded.rank == 2)
        #expect([decoded.shape.0, decoded.shape.1] == [3, 2])
        #expect(Array(UnsafeBufferPointer(start: decoded.values, count: decoded.count)) == tensor.storage)
        #expect(withUnsafeBytes(of: decoded.sender_id) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } == "coord")
    }

    @Test func maskRoundTripsBetweenSwiftAndC() throws {
        let mask = WireMask(bitCount: 130, setting: [0, 5, 64, 127, 129])
        var broadcast = Lethe_V1_MaskBroadcast()
        broadcast.requestID = "req-4"; broadcast.modelVersion = 3; broadcast.mask = mask.wire; broadcast.fraction = 0.5
        let swift = WireCodec.envelope(jobID: "job-1", round: 1, senderID: "coord", body: .maskBroadcast(broadcast))
        let bytes = try WireCodec.encode(swift)
        var decoded = lethe_mask()
        let rc = bytes.withUnsafeBytes { lethe_decode_mask($0.bindMemory(to: UInt8.self).baseAddress, bytes.count, &decoded) }
        defer { lethe_mask_free(&decoded) }
        #expect(rc == Int32(LETHE_OK))
        #expect(decoded.bit_count == 130 && lethe_mask_popcount(&decoded) == 5 && decoded.fraction == 0.5)
        #expect(Array(UnsafeBufferPointer(start: decoded.words, count: decoded.n_words)) == mask.words)
        let fromC = try encodeInC(job: "job-1", round: 1, sender: "coord", number: 0) { header, out in
            lethe_encode_mask_broadcast(header, "req-4", 3, 130, mask.words, 0.5, out)
        }
        #expect(fromC == bytes)
    }

    @Test func cDecoderRefusesGarbageAndWrongKinds() throws {
        var mask = lethe_mask()
        let garbage: [UInt8] = [0xff, 0xff, 0xff, 0x0f]
        #expect(lethe_decode_mask(garbage, garbage.count, &mask) == Int32(LETHE_ERR_MALFORMED))
        let heartbeat = try WireCodec.encode(WireCodec.envelope(senderID: "c", body: .heartbeat(.init())))
        let rc = heartbeat.withUnsafeBytes { lethe_decode_mask($0.bindMemory(to: UInt8.self).baseAddress, heartbeat.count, &mask) }
        #expect(rc == Int32(LETHE_ERR_WRONG_BODY))
    }
}
