// The config file's TOML read in process by toml++ (Sources/CTOML, issue 16):
// one call turns the text into JSON text, read by zqt's own JSON parser, or
// into the fault's line, column and message. No child process, no library
// to load, no cache: reading a config file takes well under a millisecond.

import CTOML
#if canImport(Glibc)
import Glibc
#endif

/// Where and why a text is not TOML, as plain values.
public struct TOMLReadError: Error, Equatable, Sendable {
    /// 1-based; 0 when the fault has no place (out of memory).
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

public enum TOMLReader {
    /// The TOML document as JSON text (keys in the file's order), or where
    /// and why it is not TOML, in plain words.
    public static func toJSON(_ text: String) -> Result<String, TOMLReadError> {
        // withCString: contiguous and NUL-terminated; the length counts every byte.
        var result = text.withCString { ctoml_to_json($0, text.utf8.count) }
        defer { ctoml_result_free(&result) }
        if let json = result.json { return .success(String(cString: json)) }
        let line = Int(result.line), column = Int(result.column)
        let raw = result.message.map { String(cString: $0) } ?? "could not be read (out of memory)"
        let found = TOMLFaultWording.character(in: text, line: line, column: column)
        return .failure(TOMLReadError(line: line, column: column, message: TOMLFaultWording.plain(raw, found: found)))
    }
}

/// toml++'s fault descriptions ("Error while parsing string: unescaped
/// control characters other than TAB (U+0009) are explicitly prohibited")
/// said in plain words, by what the user most likely wrote. CTOML's own two
/// faults (inf or nan; more nesting than it reads) are written plainly
/// there and pass through unchanged.
enum TOMLFaultWording {
    /// `raw` reworded; `found` is the character at the fault's place (nil at the file's end).
    static func plain(_ raw: String, found: Unicode.Scalar?) -> String {
        let prefix = "Error while parsing "
        guard raw.hasPrefix(prefix), let colon = raw.firstRange(of: ": ") else { return raw }
        let scope = String(raw[raw.index(raw.startIndex, offsetBy: prefix.count)..<colon.lowerBound])
        let reason = String(raw[colon.upperBound...])
        let what = noun(scope)
        let endOfLine = found == nil || found == "\n" || found == "\r"

        if reason.hasPrefix("unescaped control characters") || reason.hasPrefix("control characters other than TAB") {
            if scope == "comment" { return "a comment cannot hold a control character (\(codePoint(found)))" }
            if endOfLine { return "the string is not closed: its closing quote is missing on this line" }
            return "a string cannot hold the control character \(codePoint(found)); write it as an escape such as \\n or \\u001B"
        }
        if reason == "encountered end-of-file" {
            switch scope {
            case "string": return "the string is not closed: its closing quote is missing"
            case "array": return "the array is not closed: its ] is missing"
            case "inline table": return "the inline table is not closed: its } is missing"
            case "table header", "array-of-tables header": return "the table header is not closed: its ] is missing"
            default: return "the file ends in the middle of \(what)"
            }
        }
        let header = scope.hasSuffix("header")
        if header, reason == "expected ']', saw '\\n'" {
            return "the table header is not closed: its ] is missing"
        }
        if header, let match = reason.firstMatch(of: #/^expected '\]', saw (.+)$/#) {
            return "expected ] to end the table header, not \(match.1) (\(quotedNames))"
        }
        if reason == "expected value, saw '\\n'" { return "the value after = is missing" }
        if reason == "could not determine value type" {
            return "this is not a TOML value: text needs quotes (\"like this\"); numbers, true, false, dates, [arrays] and {tables} do not"
        }
        if let match = reason.firstMatch(of: #/^cannot redefine existing (.+?) '(.+)'/#) {
            return "\(match.2) is already defined above (as \(article(String(match.1)))); a key or table is written once"
        }
        if let match = reason.firstMatch(of: #/^'(.+)' is not representable in 64 bits/#) {
            return "\(match.1) is too large for a whole number (at most 9223372036854775807)"
        }
        if let match = reason.firstMatch(of: #/^expected keys, tables, whitespace or comments, saw (.+)$/#) {
            return "expected a line such as key = value, a [table] or a # comment, not \(match.1)"
        }
        if let match = reason.firstMatch(of: #/^expected a comment or whitespace, saw (.+)$/#) {
            return "expected the end of the line after \(what), not \(match.1) (one key = value per line)"
        }
        if let match = reason.firstMatch(of: #/^expected '=', saw (.+)$/#) {
            return "expected = after the key, not \(match.1) (\(quotedNames))"
        }
        if let match = reason.firstMatch(of: #/^expected bare key starting character or string delimiter, saw (.+)$/#) {
            return "\(quotedNames) (found \(match.1))"
        }
        if reason.hasPrefix("unknown escape sequence") {
            return reason.replacing("unknown escape sequence", with: "unknown escape")
                + " in a string: use \\\\ for a backslash, or a 'literal string' in single quotes"
        }
        if reason == "leading zeroes are prohibited" { return "a number cannot start with 0 (write 7, not 07)" }
        // The rest read well enough: say where, then what.
        return "in \(what): " + reason
            .replacing("saw '\\n'", with: "found the end of the line")
            .replacing("value-terminator", with: "the end of the value")
            .replacing(", saw ", with: ", found ")
            .replacing("end-of-file", with: "the end of the file")
    }

    static let quotedNames = "a name needs quotes unless it is only ASCII letters, digits, - and _"

    /// toml++'s scope name as a noun with its article ("a string", "an array").
    static func noun(_ scope: String) -> String {
        switch scope {
        case "root table": return "the file"
        case "key-value pair": return "a key = value line"
        case "value": return "a value"
        case "floating-point", "decimal integer": return "a number"
        default: return article(scope)
        }
    }

    static func article(_ word: String) -> String {
        let vowel = word.first.map { "aeiou".contains($0) } ?? false
        return (vowel ? "an " : "a ") + word
    }

    /// "U+0001" for the character found.
    static func codePoint(_ scalar: Unicode.Scalar?) -> String {
        guard let scalar else { return "the end of the file" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The character at a 1-based line and column (toml++ counts columns in
    /// code points); nil past the end.
    static func character(in text: String, line: Int, column: Int) -> Unicode.Scalar? {
        guard line > 0, column > 0 else { return nil }
        var currentLine = 1, currentColumn = 1
        for scalar in text.unicodeScalars {
            if currentLine == line, currentColumn == column { return scalar }
            if currentLine > line { return nil }
            if scalar == "\n" {
                currentLine += 1
                currentColumn = 1
            } else {
                currentColumn += 1
            }
        }
        return nil
    }
}
