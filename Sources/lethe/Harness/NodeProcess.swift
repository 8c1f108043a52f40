import Foundation

/// A `lethe` child process started by a harness (`lethe bench faults`, `lethe bench fuzz`): the same executable
/// as the harness, its output in a log file, and the signals a fault drill sends.
final class NodeProcess {
    let name: String
    let arguments: [String]
    let log: URL
    private let process = Process()

    /// The running executable: a harness starts the very `lethe` it is part of.
    static var executable: URL {
        Bundle.main.executableURL ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// Starts `lethe ARGUMENTS` with one BLAS thread (one per node process, DECISIONS.md §20).
    init(name: String, arguments: [String], log: URL) throws {
        (self.name, self.arguments, self.log) = (name, arguments, log)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = Self.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Everything the process has written so far.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { if process.isRunning { kill(process.processIdentifier, number) } }

    /// SIGKILL and reap: the process is gone when this returns.
    func killNow() {
        signal(SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL after `grace` seconds, so a node that does not stop cannot hang the harness.
    func stop(grace: Double = 10) {
        guard process.isRunning else { return }
        process.terminate()
        if !exited(within: grace) { killNow() }
        process.waitUntilExit()
    }

    /// Waits at most `seconds` for the process to exit.
    func exited(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return !process.isRunning
    }

    /// Resident memory in bytes (`VmRSS` of /proc/PID/status), nil once the process is gone.
    var residentBytes: Int? { process.isRunning ? ProcessMemory.residentBytes(pid: pid) : nil }
}

/// Polls `condition` every `interval` seconds until it holds or `seconds` pass; true when it held.
func waitUntil(_ seconds: Double, interval: Double = 0.02, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: interval)
    }
    return try condition()
}
