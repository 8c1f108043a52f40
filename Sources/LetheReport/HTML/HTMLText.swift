import Foundation

/// Text made safe for HTML and SVG: method names, configuration strings and file paths come from the results file
/// and may hold `<`, `&` or quotes, which must show as text and never become markup.
enum HTMLText {
    /// `s` with `& < > " '` replaced by entities; safe in element content and in quoted attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for character in s {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// An identifier fit for `id` and `class` attributes: lower-case letters, digits and dashes only.
    static func slug(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.map { scalar -> Character in
            scalar.isASCII && CharacterSet.alphanumerics.contains(scalar) ? Character(scalar) : "-"
        })
    }

    /// `value` with `decimals` digits after the point (SVG coordinates and labels; "C" locale, no grouping).
    static func number(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }
}
