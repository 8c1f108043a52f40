import Foundation
import LetheTensor
import LetheWire
import Testing

/// Random and mutated bytes into decode-and-validate: nothing may trap; each input ends as a typed `WireError`
/// or as an envelope that passes validation again after re-encoding.
@Suite struct FuzzTests {
    /// Mutations of a valid encoding: the classic truncation, bit flip, byte overwrite and splice.
    static func mutate(_ seed: Data, _ rng: inout SeededGenerator) -> Data {
        var bytes = [UInt8](seed)
        switch rng.nextInt(below: 5) {
        case 0:
            bytes = Array(bytes.prefix(rng.nextInt(below: bytes.count + 1)))
        case 1:
            for _ in 0...rng.nextInt(below: 4) where !bytes.isEmpty {
                bytes[rng.nextInt(below: bytes.count)] ^= UInt8(1) << UInt8(rng.nextInt(below: 8))
            }
        case 2:
            for _ in 0...rng.nextInt(below: 4) where !bytes.isEmpty {
                bytes[rng.nextInt(below: bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            }
        case 3:
            let at = rng.nextInt(below: bytes.count + 1)
            bytes.insert(contentsOf: (0..<rng.nextInt(below: 12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
        default:
            let cut = rng.nextInt(below: bytes.count + 1)
            bytes = Array(bytes[cut...] + bytes[..<cut])
        }
        return Data(bytes)
    }

    /// Decodes one input; returns true when it was accepted. An accepted envelope must re-encode to a valid one.
    static func decodeChecked(_ input: Data) throws -> Bool {
        do {
            let envelope = try WireCodec.decode(input)
            _ = try WireCodec.decode(try WireCodec.encode(envelope))
            return true
        } catch {
            // `decode` throws only `WireError` (typed throws); its message must be non-empty for the Error reply.
            #expect(!error.description.isEmpty)
            return false
        }
    }

    @Test func tenThousandMutatedAndRandomInputsNeverTrap() throws {
        var rng = SeededGenerator(seed: 4)
        let seeds = try Samples.bodies.map { try WireCodec.encode(Samples.envelope($0)) }
        var accepted = 0, refused = 0
        var codes = Set<Lethe_V1_ErrorCode>()
        for i in 0..<12_000 {
            let input: Data
            if i % 4 == 0 {
                input = Data((0..<rng.nextInt(below: 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            } else {
                input = Self.mutate(seeds[rng.nextInt(below: seeds.count)], &rng)
            }
            do throws(WireError) {
                _ = try WireCodec.decode(input)
                accepted += 1
            } catch {
                codes.insert(error.code)
                refused += 1
                continue
            }
            #expect(try Self.decodeChecked(input))
        }
        #expect(accepted + refused == 12_000)
        // Both outcomes occur, and refusals span several kinds of error rather than one catch-all.
        #expect(accepted > 100 && refused > 5_000)
        #expect(codes.isSuperset(of: [.malformed, .unsupportedVersion, .shapeMismatch, .invalidID]))
    }
}
