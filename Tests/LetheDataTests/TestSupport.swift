import Foundation
@testable import LetheData

/// A fresh, empty folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lethe-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A data set of 1×1×1 images whose only pixel is the sample index mod 256, with the given labels.
func labelOnlyDataset(labels: [Int32], classCount: Int = 10) -> ImageDataset {
    ImageDataset(images: labels.indices.map { UInt8($0 % 256) }, labels: labels,
                 channels: 1, height: 1, width: 1, classCount: classCount)
}

/// Labels with `perClass[c]` samples of class c, interleaved (0, 1, 2, …, 0, 1, …) so classes are not contiguous.
func interleavedLabels(perClass: [Int]) -> [Int32] {
    var remaining = perClass, labels = [Int32]()
    while remaining.contains(where: { $0 > 0 }) {
        for c in remaining.indices where remaining[c] > 0 {
            labels.append(Int32(c))
            remaining[c] -= 1
        }
    }
    return labels
}

/// Runs `body` and returns the `DataError` it threw, or nil if it threw nothing or something else.
func dataError(_ body: () throws -> Void) -> DataError? {
    do { try body() } catch let error as DataError { return error } catch { return nil }
    return nil
}

/// Runs `body` and returns the `ForgetSpecError` it threw, or nil.
func forgetError(_ body: () throws -> Void) -> ForgetSpecError? {
    do { try body() } catch let error as ForgetSpecError { return error } catch { return nil }
    return nil
}
