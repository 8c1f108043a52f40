import Foundation
import LetheWire
import Testing

/// Fails when a `.proto` changed but `Proto/generate.sh` was not rerun: the committed generated code is stale.
@Suite struct ProtoChecksumTests {
    @Test func generatedCodeMatchesProtoFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Proto")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("lethe/v1").path)
            .filter { $0.hasSuffix(".proto") }.map { "lethe/v1/\($0)" }.sorted()
        #expect(onDisk == protoChecksumFiles, "the set of .proto files changed; run Proto/generate.sh")
        var all = Data()
        for file in protoChecksumFiles { all.append(try Data(contentsOf: root.appendingPathComponent(file))) }
        #expect(SHA256.hex(all) == protoChecksum, "generated code is stale relative to Proto/; run Proto/generate.sh")
    }
}
