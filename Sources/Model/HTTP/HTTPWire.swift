// HTTP/1.1 message framing, shared by zqt's client and the sandbox server:
// reading a head (start line and headers), knowing where the body ends
// (Content-Length, chunked, or the connection closing), and decoding
// chunked bodies. RFC 9112 §2–§7, the parts a JSON API and image downloads need.

/// A start line and its headers. Header names are lower-cased; a repeated
/// header keeps its last value (none that matter here repeat).
public struct HTTPHead: Sendable, Equatable {
    /// "POST /path HTTP/1.1" or "HTTP/1.1 200 OK", split on spaces (at most three parts).
    public let startLine: [String]
    public let headers: [String: String]

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    static let terminator: [UInt8] = [13, 10, 13, 10]

    /// The head at the start of `bytes` and where the body starts, or nil when
    /// the blank line that ends the head has not arrived yet.
    public static func parse(_ bytes: [UInt8]) -> (head: HTTPHead, bodyStart: Int)? {
        guard let end = bytes.firstRange(of: terminator) else { return nil }
        let text = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let startLine = lines.isEmpty ? [] : lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmed.lowercased()] = line[line.index(after: colon)...].trimmed
        }
        return (HTTPHead(startLine: startLine, headers: headers), end.upperBound)
    }

    /// Where the body ends. A response to HEAD, 1xx, 204 and 304 has none.
    public var framing: HTTPBodyFraming {
        if header("transfer-encoding")?.lowercased().contains("chunked") == true { return .chunked }
        if let length = header("content-length").flatMap({ Int($0) }), length >= 0 { return .contentLength(length) }
        return .untilClose
    }
}

public enum HTTPBodyFraming: Sendable, Equatable {
    case contentLength(Int)
    case chunked
    /// Responses only: the body is everything until the server closes.
    case untilClose
}

/// Decodes a chunked body as bytes arrive. Trailers are read and dropped.
public struct ChunkedDecoder: Sendable {
    public enum Failure: Error, Equatable { case malformed(String) }

    private enum State { case size, data(remaining: Int), dataEnd, trailers, done }
    private var state = State.size
    private var pending: [UInt8] = []
    public private(set) var body: [UInt8] = []

    public init() {}

    public var isComplete: Bool { if case .done = state { return true }; return false }

    /// Feeds more bytes; bytes after the end of the body are ignored.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws(Failure) where Bytes.Element == UInt8 {
        pending.append(contentsOf: bytes)
        var offset = 0
        defer { pending.removeFirst(offset) }
        while true {
            switch state {
            case .done:
                return
            case let .data(remaining):
                let take = min(remaining, pending.count - offset)
                if take == 0 { return }
                body.append(contentsOf: pending[offset..<offset + take])
                offset += take
                state = remaining == take ? .dataEnd : .data(remaining: remaining - take)
            case .size, .dataEnd, .trailers:
                guard let lineEnd = pending[offset...].firstRange(of: [13, 10]) else {
                    if pending.count - offset > 4096 { throw .malformed("chunk line too long") }
                    return
                }
                let line = String(decoding: pending[offset..<lineEnd.lowerBound], as: UTF8.self)
                offset = lineEnd.upperBound
                switch state {
                case .size:
                    // "1a;extension=x": the size is the hex number before any extension.
                    let hex = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmed } ?? ""
                    guard let size = Int(hex, radix: 16), size >= 0 else { throw .malformed("bad chunk size \"\(line)\"") }
                    state = size == 0 ? .trailers : .data(remaining: size)
                case .dataEnd:
                    guard line.isEmpty else { throw .malformed("chunk not followed by CRLF") }
                    state = .size
                default:
                    if line.isEmpty { state = .done }
                }
            }
        }
    }
}
