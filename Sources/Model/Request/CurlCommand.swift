// A curl command as people paste it (issue 10): from the service's docs,
// from a browser's "copy as cURL", or from `zqt export --curl`. Only what
// says where a request goes and what it carries is read: the URL, the method,
// the headers and the body. Words are split as a POSIX shell splits them
// (single and double quotes, backslash escapes, `$'…'`), without running
// anything: `$(…)` and `$VAR` stay text.

public struct CurlCommand: Equatable, Sendable {
    public var url: String
    public var method: String?
    public var headers: [(name: String, value: String)]
    public var body: String?
    /// Options read past without effect (`-s`, `--compressed`, …), for the notes.
    public var ignored: [String]

    public static func == (lhs: CurlCommand, rhs: CurlCommand) -> Bool {
        lhs.url == rhs.url && lhs.method == rhs.method && lhs.body == rhs.body && lhs.ignored == rhs.ignored
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Whether text looks like a curl command rather than JSON or a file's path.
    public static func looksLikeCurl(_ text: String) -> Bool {
        let trimmed = text.drop { $0.isWhitespace }
        return trimmed.hasPrefix("curl ") || trimmed.hasPrefix("curl\t") || trimmed.hasPrefix("curl\\")
    }

    public static func parse(_ text: String) throws(ParseError) -> CurlCommand {
        let words = try split(text)
        guard words.first == "curl" else {
            throw ParseError(message: "not a curl command (it starts with \(words.first.map { "\"\(TerminalText.printable($0))\"" } ?? "nothing"))")
        }
        var command = CurlCommand(url: "", method: nil, headers: [], body: nil, ignored: [])
        // Options that take a value, and whose value zqt does not need.
        let valued: Set<String> = ["-u", "--user", "-o", "--output", "-A", "--user-agent", "-e", "--referer", "-m", "--max-time",
                                   "--connect-timeout", "-x", "--proxy", "-b", "--cookie", "-c", "--cookie-jar", "--cacert",
                                   "-w", "--write-out", "--retry", "-T", "--upload-file", "-F", "--form"]
        var index = 1
        func value(_ option: String) throws(ParseError) -> String {
            index += 1
            guard index < words.count else { throw ParseError(message: "\(option) needs a value") }
            return words[index]
        }
        while index < words.count {
            let word = words[index]
            switch word {
            case "-X", "--request": command.method = try value(word)
            case "-H", "--header":
                command.addHeader(try value(word))
            case "-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json":
                let data = try value(word)
                if word != "--data-raw", data.hasPrefix("@") {
                    throw ParseError(message: "the body is read from the file \(data.dropFirst()); load that file instead")
                }
                command.body = (command.body.map { $0 + "&" } ?? "") + data
                if word == "--json" { command.headers.append(("Content-Type", "application/json")) }
            case "--url": command.url = try value(word)
            default:
                if word.hasPrefix("-") {
                    if valued.contains(word) {
                        _ = try value(word)
                        command.ignored.append(word)
                    } else if word.hasPrefix("-H"), word.count > 2 {
                        // -H'Name: value' written together.
                        command.addHeader(String(word.dropFirst(2)))
                    } else {
                        command.ignored.append(word)
                    }
                } else if command.url.isEmpty {
                    command.url = word
                } else {
                    command.ignored.append(word)
                }
            }
            index += 1
        }
        guard !command.url.isEmpty else { throw ParseError(message: "the curl command names no URL") }
        return command
    }

    /// A header as curl's -H takes it: `Name: value`, or `Name;` for an empty
    /// one (the docs' curl samples send the keys so); anything else is no header.
    mutating func addHeader(_ line: String) {
        guard let colon = line.firstIndex(of: ":") else {
            if line.hasSuffix(";") { headers.append((String(line.dropLast()), "")) }
            return
        }
        headers.append((String(line[..<colon]).trimmed, String(line[line.index(after: colon)...]).trimmed))
    }

    /// Shell words: quotes and escapes resolved, a backslash before a line
    /// break (or the space a one-line paste turned it into) joins the lines.
    static func split(_ text: String) throws(ParseError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var scalars = Array(text.unicodeScalars)[...]
        func finish() {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        }
        while let scalar = scalars.popFirst() {
            switch scalar {
            case " ", "\t", "\n", "\r":
                finish()
            case "\\":
                guard let next = scalars.popFirst() else { break }
                if next == "\n" || next == "\r" || (next == " " && !inWord) {
                    continue  // a line continuation
                }
                if next == " ", scalars.first.map({ $0 == " " || $0 == "\n" }) ?? true {
                    finish()  // "\ " at a word's end: a continuation a one-line paste made
                    continue
                }
                current.unicodeScalars.append(next)
                inWord = true
            case "'":
                inWord = true
                var closed = false
                while let next = scalars.popFirst() {
                    if next == "'" { closed = true; break }
                    current.unicodeScalars.append(next)
                }
                guard closed else { throw ParseError(message: "a single quote is not closed") }
            case "\"":
                inWord = true
                var closed = false
                while let next = scalars.popFirst() {
                    if next == "\"" { closed = true; break }
                    if next == "\\", let escaped = scalars.first, "\"\\$`\n".unicodeScalars.contains(escaped) {
                        scalars.removeFirst()
                        if escaped != "\n" { current.unicodeScalars.append(escaped) }
                        continue
                    }
                    current.unicodeScalars.append(next)
                }
                guard closed else { throw ParseError(message: "a double quote is not closed") }
            case "$" where scalars.first == "'":
                // $'…': ANSI-C quoting, as browsers' "copy as cURL" writes bodies with quotes.
                scalars.removeFirst()
                inWord = true
                var closed = false
                while let next = scalars.popFirst() {
                    if next == "'" { closed = true; break }
                    guard next == "\\", let escaped = scalars.popFirst() else {
                        current.unicodeScalars.append(next)
                        continue
                    }
                    switch escaped {
                    case "n": current.append("\n")
                    case "t": current.append("\t")
                    case "r": current.append("\r")
                    default: current.unicodeScalars.append(escaped)
                    }
                }
                guard closed else { throw ParseError(message: "a $' quote is not closed") }
            default:
                current.unicodeScalars.append(scalar)
                inWord = true
            }
        }
        finish()
        return words
    }
}
