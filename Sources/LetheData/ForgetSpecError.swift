import Foundation

/// Why a forget-set specification (`random:F`, `class:C`, `ids:PATH`) was rejected.
///
/// These come from a command line or a deletion request, so each says what was wrong and what a valid value looks
/// like; tests assert the case.
public enum ForgetSpecError: Error, Equatable, Sendable {
    /// The text before `:` is not `random`, `class` or `ids` (or there is no `:`).
    case unknownKind(spec: String)
    /// `random:` is followed by something that is not a number.
    case invalidFraction(text: String)
    /// The fraction is not strictly between 0 and 1.
    case fractionOutOfRange(Double)
    /// `class:` is followed by something that is not an integer.
    case invalidClass(text: String)
    /// The class lies outside `0..<classCount`.
    case classOutOfRange(label: Int, classCount: Int)
    /// The id file could not be read.
    case unreadableIDFile(path: String, reason: String)
    /// A line of the id file is neither an id, a comment nor blank.
    case invalidIDLine(path: String, line: Int, text: String)
    /// An id appears twice in the id file.
    case duplicateID(path: String, id: Int, line: Int)
    /// An id names no sample of the data set.
    case unknownID(id: Int)
    /// The specification selects no sample (a fraction too small for the set, an absent class, an empty id list).
    case emptySelection(spec: String)
    /// The specification selects every sample, leaving nothing to retain (and nothing to train Retrain on).
    case selectsEverything(spec: String)
}

extension ForgetSpecError: CustomStringConvertible, LocalizedError {
    /// What was wrong and what a valid specification looks like.
    public var description: String {
        let forms = "Use random:FRACTION (e.g. random:0.1), class:LABEL (e.g. class:3) or ids:PATH."
        switch self {
        case let .unknownKind(spec):
            return "Unknown forget set \"\(spec)\". \(forms)"
        case let .invalidFraction(text):
            return "\"\(text)\" is not a number. Give the share to forget, e.g. random:0.1 for 10 %."
        case let .fractionOutOfRange(fraction):
            return "Forget fraction \(fraction) must lie strictly between 0 and 1, e.g. random:0.1."
        case let .invalidClass(text):
            return "\"\(text)\" is not a class label; give an integer, e.g. class:3."
        case let .classOutOfRange(label, classCount):
            return "Class \(label) does not exist; labels run from 0 to \(classCount - 1)."
        case let .unreadableIDFile(path, reason):
            return "Cannot read the id file \(path): \(reason)."
        case let .invalidIDLine(path, line, text):
            return "\(path):\(line): \"\(text)\" is not a sample id. Write one non-negative integer per line; "
                + "`#` starts a comment."
        case let .duplicateID(path, id, line):
            return "\(path):\(line): id \(id) is listed twice. Each sample can be forgotten only once."
        case let .unknownID(id):
            return "No sample has id \(id) in this data set (ids are positions in the original file)."
        case let .emptySelection(spec):
            return "Forget set \"\(spec)\" selects no sample; choose a larger fraction or a class present here."
        case let .selectsEverything(spec):
            return "Forget set \"\(spec)\" selects every sample, leaving nothing to retain."
        }
    }

    /// The same text as `description`.
    public var errorDescription: String? { description }
}
