import Foundation
import LetheUnlearning

/// Shows training progress: a live bar when standard error is a terminal, plain log lines otherwise
/// (so CI logs and pipes stay readable).
final class ProgressReporter {
    private let label: String
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastDraw = 0.0
    private var lastEpochLogged = -1

    init(label: String) { self.label = label }

    func report(_ p: TrainingProgress) {
        let epochDone = p.batch == p.batchesPerEpoch
        if interactive {
            guard epochDone || p.elapsedSeconds - lastDraw > 0.1 else { return }
            lastDraw = p.elapsedSeconds
            let width = 24, filled = Int(Double(width) * p.fractionDone)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = String(format: "\r%@ epoch %d/%d %@ loss %.4f acc %5.2f%% %6.0f samples/s ETA %@",
                              label, p.epoch + 1, p.epochs, bar, p.loss, p.accuracy, p.samplesPerSecond,
                              formatDuration(p.etaSeconds))
            FileHandle.standardError.write(Data(line.utf8))
            if epochDone { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if epochDone && p.epoch != lastEpochLogged {
            lastEpochLogged = p.epoch
            log(String(format: "%@ epoch %d/%d: loss %.4f, train accuracy %.2f%%, %.0f samples/s, ETA %@",
                       label, p.epoch + 1, p.epochs, p.loss, p.accuracy, p.samplesPerSecond,
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
