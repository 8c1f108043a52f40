import Foundation
import GRDB
import LetheFederation

/// The deletion ledger: the coordinator's durable `JobStore`, one SQLite file read and written through GRDB.
///
/// Why SQLite in WAL mode with `synchronous = FULL`: the coordinator acknowledges a deletion request only after
/// `recordRequest` returns, so that return must mean "on disk". WAL appends each commit to `<path>-wal` and, with
/// `FULL`, fsyncs it before the commit returns; the write then survives `kill -9` of the coordinator and a power loss.
/// WAL also lets `lethe status` (another process, or another thread) read a consistent snapshot while the
/// coordinator writes.
///
/// Ownership and threads: a `Ledger` owns one `DatabasePool` (one writer connection, a few reader connections).
/// GRDB serialises every write on the writer connection and gives each read its own snapshot, so one `Ledger` may be
/// shared by any number of threads or tasks; it holds no other mutable state, hence `Sendable`. Separate processes
/// may open the same file: SQLite's file locks serialise their writes (a busy writer is waited for up to
/// `busyTimeout`). The file is closed when the last reference to the `Ledger` goes away.
public final class Ledger: JobStore, Sendable {
    /// How `init` treats a path with no file.
    public enum OpenMode: Sendable {
        /// Create a new, empty ledger when the file does not exist (the coordinator).
        case createIfMissing
        /// Fail with a clear error when the file does not exist (readers such as `lethe status`).
        case existingOnly
    }

    /// The ledger file, as given.
    public let path: String
    let pool: DatabasePool

    /// How long a write waits for another process holding the write lock before failing.
    public static let busyTimeout: TimeInterval = 5

    /// Opens the ledger at `path`, creating it (and its schema) when `mode` allows.
    ///
    /// Throws `JobStoreError.storage` naming the path and the problem when the file is missing (`.existingOnly`),
    /// is not an SQLite file, is an SQLite file of another program, was written by a newer Lethe, or fails SQLite's
    /// integrity check (corrupt).
    public init(path: String, mode: OpenMode = .createIfMissing) throws {
        self.path = path
        try LedgerFileCheck.check(path: path, mode: mode)
        let deadline = Date().addingTimeInterval(Self.creationRaceSeconds)
        var attempt = 0
        while true {
            attempt += 1
            do {
                pool = try Self.openAndMigrate(path: path)
                return
            } catch where Date() < deadline {
                Thread.sleep(forTimeInterval: min(0.2, 0.02 * Double(attempt)))
            }
        }
    }

    /// How long opening keeps trying while another process may be creating the same file.
    ///
    /// Why: two processes opening a new ledger at once (the coordinator creating it, `lethe status` or the fault
    /// sweep reading it) race in three places — the switch to WAL needs a lock SQLite does not wait for, GRDB
    /// creates its migrations table before the first migration's tables (so the file briefly looks like "not a
    /// Lethe ledger"), and GRDB reads the applied migrations before running the missing ones, so both could run
    /// the first ("table requests already exists"; the fault sweep's first CI run lost its coordinator so). Every
    /// step commits whole, so a later try sees what the other process finished. A file that is truly wrong fails
    /// the same way on every try and is reported after this long.
    static let creationRaceSeconds: TimeInterval = 2

    private static func openAndMigrate(path: String) throws -> DatabasePool {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration())
            try Self.makeWritesDurable(pool)
        } catch {
            throw Self.storageError(path: path, doing: "open", error)
        }
        do {
            try pool.write { db in
                try LedgerSchema.verifyIsLedger(db, path: path)
                try LedgerSchema.verifyIntegrity(db, path: path)
            }
        } catch {
            throw Self.storageError(path: path, doing: "prepare the schema", error)
        }
        do {
            try LedgerSchema.migrator.migrate(pool)
        } catch {
            throw Self.storageError(path: path, doing: "create or upgrade the schema", error)
        }
        return pool
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "LetheLedger"
        configuration.busyMode = .timeout(busyTimeout)
        return configuration
    }

    /// Sets `synchronous = FULL` on the pool's one writer connection (the setting is per connection, and only the
    /// writer commits) and reads it back. It must come after the pool's set-up: GRDB switches a pool to WAL with
    /// `synchronous = NORMAL`, which may lose the last commits on power loss, and that would break the contract.
    private static func makeWritesDurable(_ pool: DatabasePool) throws {
        let level = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == 2 else {
            let reported = level.map(String.init) ?? "nothing"
            throw JobStoreError.storage("\(pool.path): SQLite refused synchronous = FULL (reports \(reported)), so "
                + "a recorded request could be lost on power loss; use a file system that supports fsync")
        }
    }

    /// Runs `body` in one write transaction; errors other than `JobStoreError` become `.storage` naming `action`.
    func write<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            throw Self.storageError(path: path, doing: action, error)
        }
    }

    /// Runs `body` in one read transaction (a consistent snapshot, concurrent with writes).
    func read<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.storageError(path: path, doing: action, error)
        }
    }

    /// Maps any error to the contract's typed error, keeping `JobStoreError`s (duplicate, unknown, …) as they are.
    static func storageError(path: String, doing action: String, _ error: any Error) -> JobStoreError {
        if let error = error as? JobStoreError { return error }
        guard let error = error as? DatabaseError else { return .storage("\(path): could not \(action): \(error)") }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return .storage("\(path): not a Lethe ledger (not an SQLite database: \(detail)); "
                + "pass the ledger written by `lethe coordinator`, or a new path")
        case .SQLITE_CORRUPT:
            return .storage("\(path): the ledger is corrupt (\(detail)) while trying to \(action); "
                + "restore it from a backup")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
            return .storage("\(path): could not \(action) (\(detail)); check that the folder exists and is writable")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .storage("\(path): could not \(action): another process held the ledger locked for over "
                + "\(Int(busyTimeout)) s (\(detail))")
        case .SQLITE_FULL, .SQLITE_IOERR:
            return .storage("\(path): could not \(action): the disk failed or is full (\(detail))")
        default:
            return .storage("\(path): could not \(action): \(detail)")
        }
    }
}

/// Checks on the file itself before SQLite touches it, so that a wrong path never gets `-wal`/`-shm` files beside
/// it and the error says plainly what is wrong.
enum LedgerFileCheck {
    /// The first 16 bytes of every SQLite 3 database file.
    static let sqliteHeader = Array("SQLite format 3\u{0}".utf8)

    static func check(path: String, mode: Ledger.OpenMode) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            if mode == .existingOnly {
                throw JobStoreError.storage("\(path): no ledger there; give the path the coordinator was started with")
            }
            return
        }
        if isDirectory.boolValue {
            throw JobStoreError.storage("\(path): is a folder, not a ledger file; name a file inside it")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw JobStoreError.storage("\(path): cannot be read; check its permissions")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: sqliteHeader.count)) ?? Data()
        // An empty file is what a crash during creation leaves; SQLite initialises it like a new one.
        if !head.isEmpty && Array(head) != sqliteHeader {
            throw JobStoreError.storage("\(path): not a Lethe ledger (the file is not an SQLite database); "
                + "pass the ledger written by `lethe coordinator`, or a new path")
        }
    }
}
