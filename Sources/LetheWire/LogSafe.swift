/// Peer-supplied text made safe to print: a hostile peer must not be able to forge log lines (a newline), drive
/// the terminal (ANSI escapes) or flood the log (a 4 KiB error message). Every string a peer chose — error
/// messages and fields, rejected ids, job details — goes through `LogSafe.text` before a node logs or stores it.
public enum LogSafe {
    /// `text` with control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides
    /// written as `\u{XX}`, cut to `limit` characters with the number of characters left out.
    public static func text(_ text: String, limit: Int = 200) -> String {
        var result = ""
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept == limit {
                let rest = text.unicodeScalars.count - kept
                return result + "…(\(rest) more)"
            }
            if needsEscape(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
            kept += 1
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
