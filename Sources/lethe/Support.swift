import Foundation

/// Resident memory from /proc: of this process, or of a child by its process id.
enum ProcessMemory {
    /// Peak resident memory (VmHWM) in MiB.
    static func peakResidentMiB(pid: Int32? = nil) -> Double? {
        statusKiB("VmHWM", pid: pid).map { Double($0) / 1024 }
    }

    /// Current resident memory (VmRSS) in bytes.
    static func residentBytes(pid: Int32) -> Int? { statusKiB("VmRSS", pid: pid).map { $0 * 1024 } }

    /// A `NAME:  N kB` line of /proc/PID/status.
    private static func statusKiB(_ name: String, pid: Int32?) -> Int? {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("\(name):") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// This process's peak, 0 when /proc cannot tell.
    static func peakResidentMiB() -> Double { peakResidentMiB(pid: nil) ?? 0 }
}

/// Writes an Encodable value (or a dictionary) as pretty, key-sorted JSON, creating parent folders.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try prettyJSON(value).write(to: url, options: .atomic)
}

/// A value as pretty, key-sorted JSON: what `writeJSON` writes and `--report` reads back.
func prettyJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}
