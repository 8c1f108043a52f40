import Foundation

/// Peak resident memory (VmHWM) from /proc: of this process, or of a child by its process id.
enum ProcessMemory {
    static func peakResidentMiB(pid: Int32? = nil) -> Double? {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kib / 1024
    }

    /// This process's peak, 0 when /proc cannot tell.
    static func peakResidentMiB() -> Double { peakResidentMiB(pid: nil) ?? 0 }
}

/// Writes an Encodable value (or a dictionary) as pretty, key-sorted JSON, creating parent folders.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try encoder.encode(value).write(to: url, options: .atomic)
}
