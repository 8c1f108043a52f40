import Foundation
import LetheNN
import LetheTensor
import Testing

@Suite struct CheckpointTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-ckpt-\(UUID().uuidString)")

    @Test func roundTripIsExact() throws {
        let model = Architecture.cnnSmall.build(seed: 1)
        let url = directory.appendingPathComponent("model.safetensors")
        try Safetensors.save(model.parameters, metadata: ["architecture": "cnn-small"], to: url)
        let restored = Architecture.cnnSmall.build(seed: 2)
        #expect(restored.parameters.values != model.parameters.values)
        let metadata = try Safetensors.load(into: restored.parameters, from: url, expectedArchitecture: "cnn-small")
        #expect(metadata["architecture"] == "cnn-small")
        #expect(restored.parameters.values.map(\.bitPattern) == model.parameters.values.map(\.bitPattern))
    }

    @Test func headerIsReadableSafetensorsJSON() throws {
        let model = Architecture.cnnSmall.build(seed: 1)
        let url = directory.appendingPathComponent("header.safetensors")
        try Safetensors.save(model.parameters, metadata: [:], to: url)
        let data = try Data(contentsOf: url)
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(length % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
        let conv1 = header["conv1.weight"] as! [String: Any]
        #expect(conv1["shape"] as! [Int] == [32, 1, 3, 3])
        #expect(data.count == 8 + length + model.parameters.count * 4)
    }

    @Test func errorsNameTheProblem() throws {
        let model = Architecture.cnnSmall.build(seed: 1)
        let url = directory.appendingPathComponent("bad.safetensors")
        try Safetensors.save(model.parameters, metadata: ["architecture": "cnn-small"], to: url)
        let full = try Data(contentsOf: url)

        try full.prefix(full.count - 100).write(to: url)
        #expect(throws: CheckpointError.self) { try Safetensors.load(into: model.parameters, from: url) }
        do { try Safetensors.load(into: model.parameters, from: url) } catch let error as CheckpointError {
            guard case .truncated = error else { Issue.record("expected .truncated, got \(error)"); return }
        }

        try Data([1, 2, 3]).write(to: url)
        #expect(throws: CheckpointError.truncated(path: url.path, detail: "3 bytes, no header")) {
            try Safetensors.load(into: model.parameters, from: url)
        }

        let other = ParameterVector()
        other.register("conv1.weight", shape: [16, 1, 3, 3])
        try Safetensors.save(other, metadata: [:], to: url)
        #expect(throws: CheckpointError.shapeMismatch(path: url.path, name: "conv1.weight", expected: [32, 1, 3, 3],
                                                      found: [16, 1, 3, 3])) {
            try Safetensors.load(into: model.parameters, from: url)
        }

        #expect(throws: CheckpointError.architectureMismatch(path: url.path, expected: "cnn-large", found: "cnn-small")) {
            try Safetensors.save(model.parameters, metadata: ["architecture": "cnn-small"], to: url)
            try Safetensors.load(into: model.parameters, from: url, expectedArchitecture: "cnn-large")
        }
        let missing = directory.appendingPathComponent("absent.safetensors")
        #expect(throws: CheckpointError.unreadable(path: missing.path, reason: "no such file")) {
            try Safetensors.load(into: model.parameters, from: missing)
        }
    }

    @Test func failedLoadLeavesWeightsUntouched() throws {
        let model = Architecture.cnnSmall.build(seed: 1)
        let before = model.parameters.values
        let url = directory.appendingPathComponent("nan.safetensors")
        let poisoned = model.parameters.copy()
        poisoned.values[poisoned.count - 1] = .nan
        try Safetensors.save(poisoned, metadata: [:], to: url)
        #expect(throws: CheckpointError.notFinite(path: url.path, name: "fc2.bias")) {
            try Safetensors.load(into: model.parameters, from: url)
        }
        #expect(model.parameters.values == before)
    }
}
