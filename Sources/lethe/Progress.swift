import Foundation
import LetheUnlearning

/// Shows training progress: a live bar when standard error is a terminal, plain log lines otherwise
/// (so CI logs and pipes stay readable).
final class ProgressReporter {
    private let label: String
    /// Whether the work has an accuracy to show (pretraining without labels has none).
    private let showsAccuracy: Bool
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastDraw = 0.0
    private var lastEpochLogged = -1

    init(label: String, showsAccuracy: Bool = true) {
        self.label = label
        self.showsAccuracy = showsAccuracy
    }

    func report(_ p: TrainingProgress) {
        let epochDone = p.batch == p.batchesPerEpoch
        if interactive {
            guard epochDone || p.elapsedSeconds - lastDraw > 0.1 else { return }
            lastDraw = p.elapsedSeconds
            let width = 24, filled = Int(Double(width) * p.fractionDone)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let accuracy = showsAccuracy ? String(format: " acc %5.2f%%", p.accuracy) : ""
            let line = String(format: "\r%@ epoch %d/%d %@ loss %.4f%@ %6.0f samples/s ETA %@",
                              label, p.epoch + 1, p.epochs, bar, p.loss, accuracy, p.samplesPerSecond,
                              formatDuration(p.etaSeconds))
            FileHandle.standardError.write(Data(line.utf8))
            if epochDone { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if epochDone && p.epoch != lastEpochLogged {
            lastEpochLogged = p.epoch
            let accuracy = showsAccuracy ? String(format: ", train accuracy %.2f%%", p.accuracy) : ""
            log(String(format: "%@ epoch %d/%d: loss %.4f%@, %.0f samples/s, ETA %@",
                       label, p.epoch + 1, p.epochs, p.loss, accuracy, p.samplesPerSecond,
                       formatDuration(p.etaSeconds)))
        }
    }
}

/// "1m05s" style durations.
func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}

/// A line on standard error with a timestamp-free prefix (results go to standard output).
func log(_ message: String) {
    FileHandle.standardError.write(Data("[lethe] \(message)\n".utf8))
}

/// Shows the phase of a long unlearning run: a live line on a terminal, a log line per phase otherwise.
final class PhaseReporter {
    private let prefix: String
    private let interactive = isatty(STDERR_FILENO) != 0
    private var phase = ""
    private var phaseStart = Date()
    private var lastDraw = Date.distantPast

    init(prefix: String) { self.prefix = prefix }

    func report(_ newPhase: String, _ fraction: Double) {
        if newPhase != phase {
            if interactive && !phase.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
            phase = newPhase
            phaseStart = Date()
            // The module's log, not `self.log`: that one adds the prefix again and clears `phase`, which made every
            // later report of the same phase look new (a line per step when stderr is not a terminal).
            if !interactive { lethe.log("\(prefix): \(phase)") }
        }
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 || fraction >= 1 else { return }
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(phaseStart)
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let line = String(format: "\r%@: %@ %5.1f%% ETA %@   ", prefix, phase, 100 * fraction, formatDuration(eta))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// A result line that must stay readable between live progress redraws.
    func log(_ message: String) {
        if interactive && !phase.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
        lethe.log("\(prefix): \(message)")
        phase = ""
    }

    func finish() {
        if interactive && !phase.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
