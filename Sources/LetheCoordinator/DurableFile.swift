import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file so that a crash or power loss leaves either the old contents or the new, never a mix or a
/// truncated file: the bytes go to a temporary file in the same folder, which is fsync'd, renamed over the target
/// (rename(2) is atomic within a file system) and followed by an fsync of the folder, so the rename itself is durable
/// before `write` returns. Foundation's `.atomic` option renames too but never fsyncs.
enum DurableFile {
    /// Makes `data` the contents of `url` as described above, creating the folder if needed.
    /// - Throws: `CoordinatorError.files` naming the step that failed and the system's reason; the target is then
    ///   unchanged and the temporary file removed.
    static func replace(_ url: URL, with data: Data) throws(CoordinatorError) {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .files(path: folder.path, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        // A fixed name: one coordinator owns its output folder, and a leftover from a crash is simply overwritten.
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp").path
        do throws(CoordinatorError) {
            try writeAndSync(data, to: temporary)
            guard rename(temporary, url.path) == 0 else { throw systemError("rename over", url.path) }
        } catch {
            unlink(temporary)
            throw error
        }
        try syncFolder(folder.path)
    }

    /// open, write everything, fsync, close.
    private static func writeAndSync(_ data: Data, to path: String) throws(CoordinatorError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw systemError("create", path) }
        defer { close(descriptor) }
        var failure: CoordinatorError?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { failure = systemError("write", path); return }
                offset += written
            }
        }
        if let failure { throw failure }
        guard fsync(descriptor) == 0 else { throw systemError("fsync", path) }
    }

    /// fsync of a folder, so that a rename into it survives a power loss.
    private static func syncFolder(_ path: String) throws(CoordinatorError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemError("open the folder", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw systemError("fsync the folder", path) }
    }

    private static func systemError(_ step: String, _ path: String) -> CoordinatorError {
        .files(path: path, reason: "\(step) failed: \(String(cString: strerror(errno)))")
    }
}
