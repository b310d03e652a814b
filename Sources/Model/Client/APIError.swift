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
    /// The service said it is busy (HTTP 429 or 503, or an envelope whose
    /// code says so): nothing is wrong with the call, ask again later (issue 18).
    case busy(BusyAnswer)
    case cancelled
    case transport(String)
    /// The endpoint's family has no documented task query (training, §3.2).
    case noTaskQuery(String)
    /// An A1111 row asked about (issue 20): the call itself answers, there is
    /// no task to ask; what is known of the row, in words (A1111RowStanding),
    /// and whether that is a failure (the answer lost, the row failed) rather
    /// than a row still waiting for its answer or done.
    case answeredWithTheCall(String, failed: Bool)
    /// A local file in an image field was refused or its upload failed
    /// (issue 17): nothing was sent to the service.
    case upload(UploadFailure)
    /// The history could not keep the row a send is written to first
    /// (issue 21: a full disk, a read-only folder): nothing was sent, as a
    /// task the service accepted must always have its row.
    case notRecorded(HistoryError)

    public var description: String { message }

    /// One line, said of the kind of server it came from: an AUTOMATIC1111
    /// server is "the server", never "the service", which is zhiqite's (issue 20).
    public func message(from server: ServerKind) -> String {
        guard server == .a1111 else { return message }
        switch self {
        case let .connectionRefused(host):
            return "Connection refused by \(host): is the server (or sandbox) running?"
        case let .httpStatus(status, body):
            return body.isEmpty ? "HTTP \(status) from the server" : "HTTP \(status) from the server: \(body)"
        case let .notJSON(status, body):
            return "The server answered (HTTP \(status)) with something that is not JSON: \(body)"
        case let .unexpectedResponse(detail):
            return "Unexpected answer from the server: \(detail)"
        default:
            return message
        }
    }

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
        case let .busy(answer):
            return answer.message
        case .cancelled:
            return "Cancelled"
        case let .transport(detail):
            return "Network error: \(detail)"
        case let .upload(failure):
            return "\(failure.message) (nothing was sent)"
        case let .notRecorded(error):
            // What happened first: a status line cut at the screen's width still says it.
            let why = error.diskFault.map { "\($0.words), " } ?? ""
            return "nothing was sent: \(why)the history cannot keep its row (\(error.message))"
        case let .noTaskQuery(title):
            return "\(title) tasks cannot be queried: the service documents no query for them (zhiqite-api.md §3.2)"
        case let .answeredWithTheCall(words, _):
            return words
        }
    }

    /// Whether trying the same call again later may succeed (used by polling).
    public var isTransient: Bool {
        switch self {
        case .connectionRefused, .unreachable, .timedOut, .connectionLost, .transport, .busy: return true
        case let .httpStatus(status, _): return status >= 500 || status == 429
        case .notJSON: return true
        default: return false
        }
    }

    /// The busy answer this is, if it is one.
    public var busyAnswer: BusyAnswer? {
        if case let .busy(answer) = self { return answer }
        return nil
    }

    /// Text from outside for a one-line message: its line breaks as " / " and a tab as a space (issue 20: a
    /// server's 500 text showed `\u{a}` between its lines), every other control character shown as \u{..}
    /// and bidi controls named (⟨U+202E⟩).
    public static func printable(_ text: String) -> String {
        var out = ""
        var pendingBreak = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                pendingBreak = true
                continue
            }
            if pendingBreak {
                // Breaks in a row, and the spaces around them, are one " / "; none at either end.
                while out.last == " " { out.removeLast() }
                if !out.isEmpty, scalar != " ", scalar != "\t" { out += " / " } else if scalar == " " || scalar == "\t" { continue }
                pendingBreak = false
            }
            if scalar == "\t" {
                out += " "
            } else if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
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

/// The service's "not now" (issue 18): its status, what it said, and how
/// long it asked to wait (Retry-After), which the poller honours up to
/// PollPolicy.busyMaxDelay.
public struct BusyAnswer: Sendable, Equatable {
    public let httpStatus: Int
    /// The envelope's code, when the answer was an envelope.
    public let code: String?
    /// The envelope's msg or the body's start.
    public let detail: String
    /// Seconds the service asked to wait (its Retry-After, in seconds), when it said.
    public let retryAfter: Double?

    public init(httpStatus: Int, code: String? = nil, detail: String, retryAfter: Double? = nil) {
        self.httpStatus = httpStatus
        self.code = code
        self.detail = detail
        self.retryAfter = retryAfter
    }

    /// HTTP statuses that say "busy": Too Many Requests, Service Unavailable (RFC 9110 §15.6.4, RFC 6585 §4).
    public static let statuses: Set<Int> = [429, 503]
    /// Envelope codes read as busy. The reference documents none (zhiqite-api.md lists no error
    /// codes); these mirror the HTTP ones, as the service's other codes ("400", "401") do.
    public static let codes: Set<String> = ["429", "503"]

    /// Whether an answer with this status and envelope code is a busy one.
    public static func isBusy(status: Int, code: String?) -> Bool {
        statuses.contains(status) || code.map(codes.contains) == true
    }

    /// A Retry-After in seconds (RFC 9110 §10.2.3). The HTTP-date form is not
    /// read: the busy floor applies then, as when there is none.
    public static func seconds(retryAfter value: String?) -> Double? {
        guard let value = value?.trimmed, !value.isEmpty, value.count <= 9, value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Double(value)
    }

    var message: String {
        let what = code.map { "code \($0)" } ?? "HTTP \(httpStatus)"
        let said = detail.isEmpty ? "" : ": \(detail)"
        let wait = retryAfter.map { "; it asks to wait \(JSONWriter.formatNumber($0)) s" } ?? ""
        return "The service is busy (\(what))\(said)\(wait)"
    }
}
