import Foundation
@testable import LetheFederation
import LetheTensor
import Testing
@testable import LetheCoordinator

/// Job checkpoints are one file, written atomically: a round trip is bit-exact, and a file that is truncated,
/// extended, bit-flipped, of another job or of another model is refused instead of read into a wrong model.
@Suite struct ModelArchiveTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-archive-\(UUID().uuidString)")

    func archive(weights: Int = 6) -> ModelArchive {
        let parameters = ParameterVector()
        _ = parameters.register("w", shape: [weights])
        return ModelArchive(directory: directory, layout: parameters.entries)
    }

    func checkpoint(_ jobID: String = "r1-job1", phase: JobPhase = .contrastive) throws -> JobCheckpoint {
        let statistics = JobCheckpoint.StoredStatistics(featureDim: 2, labels: [0, 3], counts: [4, 9],
                                                        sums: [[1.5, -2], [0.1, 1e-300]], sumSquares: [[3, 4], [5, 6]],
                                                        contributors: 2)
        return JobCheckpoint(jobID: jobID, phase: phase, modelVersion: 7,
                             weights: [-0.0, 1e-45, .greatestFiniteMagnitude, -3.25, 0.1, .leastNormalMagnitude],
                             mask: try WeightMask(count: 6, setIndices: [1, 4]), statistics: statistics,
                             holders: ["c0", "c2"])
    }

    var file: URL { directory.appendingPathComponent("jobs/r1-job1.checkpoint") }

    @Test func roundTripIsBitExact() throws {
        let saved = try checkpoint()
        try archive().saveCheckpoint(saved)
        let loaded = try #require(try archive().loadCheckpoint(jobID: "r1-job1"))
        #expect(loaded == saved)
        #expect(loaded.weights.map(\.bitPattern) == saved.weights.map(\.bitPattern))
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
                == ["r1-job1.checkpoint"])
        #expect(try archive().loadCheckpoint(jobID: "never-written") == nil)
    }

    @Test func aNewerCheckpointReplacesTheOldOneWhole() throws {
        try archive().saveCheckpoint(try checkpoint(phase: .forgetting))
        var next = try checkpoint(phase: .verification)
        next.weights = [9, 8, 7, 6, 5, 4]
        try archive().saveCheckpoint(next)
        #expect(try archive().loadCheckpoint(jobID: "r1-job1") == next)
    }

    @Test func truncatedOrExtendedFilesAreRefused() throws {
        try archive().saveCheckpoint(try checkpoint())
        let whole = try Data(contentsOf: file)
        for length in [0, 7, 12, 16, 40, whole.count - 24, whole.count - 1] {
            try whole.prefix(length).write(to: file)
            try expectRefused(mentioning: length < 16 ? "LETHECKP" : "bytes long")
        }
        try (whole + Data([0])).write(to: file)
        try expectRefused(mentioning: "bytes long")
    }

    @Test func damagedOrForeignFilesAreRefused() throws {
        try archive().saveCheckpoint(try checkpoint())
        var flipped = try Data(contentsOf: file)
        flipped[flipped.count - 3] ^= 0x10
        try flipped.write(to: file)
        try expectRefused(mentioning: "SHA-256")

        try archive().saveCheckpoint(try checkpoint("r2-job1"))
        try FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(at: directory.appendingPathComponent("jobs/r2-job1.checkpoint"), to: file)
        try expectRefused(mentioning: "job r2-job1")

        try archive().saveCheckpoint(try checkpoint())
        #expect(throws: CoordinatorError.self) { try archive(weights: 5).loadCheckpoint(jobID: "r1-job1") }
    }

    func expectRefused(mentioning needle: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        do {
            let loaded = try archive().loadCheckpoint(jobID: "r1-job1")
            Issue.record("a damaged checkpoint loaded: \(String(describing: loaded))", sourceLocation: sourceLocation)
        } catch let error as CoordinatorError {
            #expect("\(error)".contains(needle), "\(error)", sourceLocation: sourceLocation)
        }
    }
}
