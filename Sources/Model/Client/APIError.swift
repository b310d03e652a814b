// Everything that can go wrong talking to the service, each kind told apart
// (wire rule 2) and each with a message that fits a status line.

public enum APIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Detected before sending: no request leaves without both keys.
    case missingCredentials
    case invalidBaseURL(String)
    /// A header name or value holding a control character (a line break would
    /// start a header of its own): refused before anything is sent.
    case invalidHeader(name: String)
    case connectionRefused(host: String)
    case unreachable(host: String, detail: String)
    case timedOut(seconds: Double)
    /// The server closed the connection without a complete answer.
    case connectionLost
    case httpStatus(Int, bodyStart: String)
    case notJSON(status: Int, bodyStart: String)
    /// JSON, but not the `{code, msg, data}` envelope or missing what was needed.
    case unexpectedResponse(String)
    /// The envelope's `code` is not "200"; `msg` is shown verbatim.
    case api(code: String, message: String)
    case cancelled
    case transport(String)
    /// The endpoint's family has no documented task query (training, §3.2).
    case noTaskQuery(String)
    /// A local file in an image field was refused or its upload failed
    /// (issue 17): nothing was sent to the service.
    case upload(UploadFailure)

    public var description: String { message }

    /// One line for the status bar.
    public var message: String {
        switch self {
        case .missingCredentials:
            return "No access keys: set ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET (or use --sandbox)"
        case let .invalidBaseURL(url) where url.contains("***@"):
            return "Base URL is not usable: \(url): zqt does not send a user name or password in it; remove them"
        case let .invalidBaseURL(url):
            return "Base URL is not usable: \(url)"
        case let .invalidHeader(name) where name == HTTPImageAPI.idHeader:
            return "ZQT_ACCESS_KEY_ID holds a control character (a line break?): nothing was sent"
        case let .invalidHeader(name) where name == HTTPImageAPI.secretHeader:
            return "ZQT_ACCESS_KEY_SECRET holds a control character (a line break?): nothing was sent"
        case let .invalidHeader(name):
            return "The header \(name) holds a control character: nothing was sent"
        case let .connectionRefused(host):
            return "Connection refused by \(host): is the service (or sandbox) running?"
        case let .unreachable(host, detail):
            return "Cannot reach \(host): \(detail)"
        case let .timedOut(seconds):
            return "No answer within \(JSONWriter.formatNumber(seconds)) s (timed out)"
        case .connectionLost:
            return "The connection was closed before the answer arrived"
        case let .httpStatus(status, body):
            return body.isEmpty ? "HTTP \(status) from the service" : "HTTP \(status) from the service: \(body)"
        case let .notJSON(status, body):
            return "The service answered (HTTP \(status)) with something that is not JSON: \(body)"
        case let .unexpectedResponse(detail):
            return "Unexpected answer from the service: \(detail)"
        case let .api(code, message):
            return "API error \(code): \(message)"
        case .cancelled:
            return "Cancelled"
        case let .transport(detail):
            return "Network error: \(detail)"
        case let .upload(failure):
            return "\(failure.message) (nothing was sent)"
        case let .noTaskQuery(title):
            return "\(title) tasks cannot be queried: the service documents no query for them (zhiqite-api.md §3.2)"
        }
    }

    /// Whether trying the same call again later may succeed (used by polling).
    public var isTransient: Bool {
        switch self {
        case .connectionRefused, .unreachable, .timedOut, .connectionLost, .transport: return true
        case let .httpStatus(status, _): return status >= 500 || status == 429
        case .notJSON: return true
        default: return false
        }
    }

    /// Text from outside with every control character shown as \u{..} and bidi controls named (⟨U+202E⟩), for messages.
    public static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else if TerminalText.isBidiControl(scalar) {
                // Issue 23: it would turn the rest of the message around.
                out += TerminalText.named(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The start of a body, on one line, for messages.
    static func excerpt(_ bytes: [UInt8], limit: Int = 120) -> String {
        let text = String(decoding: bytes.prefix(limit * 4), as: UTF8.self)
        let oneLine = text.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
        return oneLine.count > limit ? String(oneLine.prefix(limit)) + "…" : oneLine
    }
}
