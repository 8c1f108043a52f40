/// Log lines for a condition that can recur every turn: the first occurrence of a cause is logged, repeats of the
/// same cause only counted, and the count is reported when the cause changes or the condition clears. A stuck node
/// then writes a line per cause, not a line per try.
struct RepeatedConditionLog {
    private var cause: String?
    private var repeats = 0

    /// The line to log for one occurrence of `cause`, or nil when it repeats the current cause.
    mutating func note(_ cause: String) -> String? {
        if cause == self.cause {
            repeats += 1
            return nil
        }
        let summary = summaryOfPrevious()
        (self.cause, repeats) = (cause, 0)
        return summary.map { "\($0); now: \(cause)" } ?? cause
    }

    /// The closing line once the condition cleared (nil when nothing was noted since the last one).
    mutating func resolve() -> String? {
        defer { (cause, repeats) = (nil, 0) }
        return summaryOfPrevious().map { "\($0); cleared" }
    }

    private func summaryOfPrevious() -> String? {
        guard let cause else { return nil }
        return "\(cause) (\(repeats + 1) time\(repeats == 0 ? "" : "s") in a row)"
    }
}
