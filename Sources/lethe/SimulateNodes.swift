import Dispatch
import Foundation

/// The child processes of `lethe simulate`: one coordinator and N clients of this same executable. Every line a
/// node writes goes to `<name>.log` in the run folder; lines of nodes marked `echo` are also shown on standard error
/// prefixed by the node name. `terminateAll` ends only the processes started here (SIGTERM, then SIGKILL).
final class SimulationNodes: @unchecked Sendable {
    struct Node {
        let name: String
        let process: Process
        let log: URL
    }

    private let lock = NSLock()
    private(set) var nodes: [Node] = []
    private let executable: URL
    private let folder: URL
    private let environment: [String: String]

    init(executable: URL, folder: URL, blasThreads: Int) {
        self.executable = executable
        self.folder = folder
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = String(blasThreads)
        self.environment = environment
    }

    /// The path of this executable, for starting nodes of the same build.
    static var executableURL: URL {
        if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// Starts `lethe <arguments>` as node `name`.
    @discardableResult
    func start(_ name: String, arguments: [String], echo: Bool) throws -> Node {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let logURL = folder.appendingPathComponent("\(name).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
            throw SimulationError.setup("cannot create \(logURL.path)")
        }
        let logFile = try FileHandle(forWritingTo: logURL)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let buffer = LineBuffer()
        // One thread per node reads its output with blocking reads until end of file. Not `readabilityHandler`:
        // its dispatch source raced the pipe's closing when a node exited, and the parent crashed in libdispatch's
        // `_dispatch_event_loop_drain` (twice in session 17's test runs, at shutdown).
        let output = pipe.fileHandleForReading
        let reader = Thread {
            while true {
                let data = output.availableData
                guard !data.isEmpty else { break }
                logFile.write(data)
                guard echo else { continue }
                for line in buffer.lines(appending: data) {
                    FileHandle.standardError.write(Data("[\(name)] \(Self.stripped(line))\n".utf8))
                }
            }
            try? logFile.close()
        }
        reader.name = "\(name) output"
        let node = Node(name: name, process: process, log: logURL)
        lock.lock()
        defer { lock.unlock() }
        try process.run()
        reader.start()
        nodes.append(node)
        return node
    }

    /// "[lethe] coordinator: x" → "x" (the node name is already the prefix).
    static func stripped(_ line: String) -> String {
        for prefix in ["[lethe] coordinator: ", "[lethe] "] where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count))
        }
        return line
    }

    /// Peak resident memory (VmHWM, MiB) of every node still running.
    func peakResidentMiB() -> [String: Double] {
        lock.lock()
        defer { lock.unlock() }
        var result: [String: Double] = [:]
        for node in nodes where node.process.isRunning {
            result[node.name] = ProcessMemory.peakResidentMiB(pid: node.process.processIdentifier)
        }
        return result
    }

    /// SIGTERM to every node started here that still runs, then SIGKILL after `grace` seconds; waits for all.
    func terminateAll(grace: Double = 5) {
        lock.lock()
        let running = nodes.filter { $0.process.isRunning }
        lock.unlock()
        for node in running { kill(node.process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while running.contains(where: { $0.process.isRunning }), Date() < deadline { usleep(50_000) }
        for node in running where node.process.isRunning { kill(node.process.processIdentifier, SIGKILL) }
        for node in running { node.process.waitUntilExit() }
    }

    /// The last `count` lines of a node's log, for error messages.
    func tail(_ node: Node, lines count: Int = 15) -> String {
        let text = (try? String(contentsOf: node.log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(count).map { "  [\(node.name)] \($0)" }.joined(separator: "\n")
    }
}

/// Splits a byte stream into lines (keeping an unfinished last line for the next chunk).
final class LineBuffer: @unchecked Sendable {
    private var pending = Data()

    func lines(appending data: Data) -> [String] {
        pending.append(data)
        var result: [String] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            result.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending = Data(pending[pending.index(after: newline)...])
        }
        return result
    }
}

/// A free TCP port on 127.0.0.1 (bound to port 0, read back, released).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SimulationError.setup("cannot open a socket to find a free port (errno \(errno))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw SimulationError.setup("cannot bind 127.0.0.1:0 to find a free port (errno \(errno))") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw SimulationError.setup("getsockname failed (errno \(errno))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Why a simulation stopped.
enum SimulationError: Error, CustomStringConvertible {
    case setup(String)
    case node(String)
    case timeout(String)
    /// A file in --cache-dir that cannot be used as the model it is named after.
    case cache(path: String, reason: String)

    var description: String {
        switch self {
        case .setup(let detail): "simulation set-up failed: \(detail)"
        case .node(let detail): "a node failed: \(detail)"
        case .timeout(let detail): "timed out: \(detail)"
        case .cache(let path, let reason):
            "the cached model \(path) cannot be used: \(reason). Delete it (rm '\(path)') and run again: it will be "
                + "trained and stored anew"
        }
    }
}
