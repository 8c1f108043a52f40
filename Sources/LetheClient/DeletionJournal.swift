import Foundation

/// A client's durable record of the samples it has deleted: one line per accepted request, appended and fsynced
/// before the request is acknowledged, read back when the client starts.
///
/// Why: a client process keeps its deletions in memory (`ClientState.deletedPositions`) and reloads its whole share
/// when it starts, so a client restarted after a job would train on, and count as retained, the very samples it
/// acknowledged as deleted (the coordinator forwards only the *running* job's deletion again). The fault sweep
/// restarts clients mid-phase; a deployed client restarts after a crash or an upgrade.
///
/// Format: `REQUEST-ID ID,ID,…\n` with the dataset ids (not positions: the file stays valid if the share is
/// recomputed). A last line without its newline is a crash mid-append and is ignored; any other malformed line is
/// an error, so a damaged journal is never read as "nothing deleted".
public struct DeletionJournal: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public enum JournalError: Error, CustomStringConvertible {
        case malformed(path: String, line: Int)
        case io(path: String, reason: String)

        public var description: String {
            switch self {
            case .malformed(let path, let line):
                "deletion journal \(path): line \(line) is not 'REQUEST-ID ID,ID,…'; restore the file or remove it "
                    + "only if no deletion was ever acknowledged by this client"
            case .io(let path, let reason): "deletion journal \(path): \(reason)"
            }
        }
    }

    /// Every dataset id recorded so far, by request (empty when the file does not exist yet).
    public func load() throws(JournalError) -> [(requestID: String, ids: [Int])] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw .io(path: url.path, reason: "cannot be read as UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The last piece is "" after a final newline, or a line torn by a crash mid-append: neither is a record.
        if !lines.isEmpty { lines.removeLast() }
        return try lines.enumerated().map { (index, line) throws(JournalError) in
            let parts = line.split(separator: " ", maxSplits: 1)
            let fields = parts.count == 2 ? parts[1].split(separator: ",") : []
            let ids = fields.compactMap { Int($0) }
            guard !ids.isEmpty, ids.count == fields.count else { throw .malformed(path: url.path, line: index + 1) }
            return (String(parts[0]), ids)
        }
    }

    /// Appends one request's ids and fsyncs, so the line survives a kill or power loss once this returns.
    public func append(requestID: String, ids: [Int]) throws(JournalError) {
        let line = Data("\(requestID) \(ids.map(String.init).joined(separator: ","))\n".utf8)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw .io(path: url.path, reason: "cannot open for appending (errno \(errno))") }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw .io(path: url.path, reason: "short write (errno \(errno))") }
        guard fsync(descriptor) == 0 else { throw .io(path: url.path, reason: "fsync failed (errno \(errno))") }
    }
}

extension ClientState {
    /// A fresh state that already holds the deletions of an earlier run (positions in this client's share).
    public init(restoringDeleted positions: Set<Int>) {
        self.init()
        deletedPositions = positions
    }
}
