// A request as a snippet that runs on its own: a curl command, a Python or a
// Swift script (issue 10). Used by `zqt export` and by the screen's "copy as
// curl", so both say the same.
//
// The body is exactly the wire JSON and everything in it came from outside
// (a prompt, a file, a history row), so each language gets its own quoting,
// chosen so nothing in the text can end the literal or be expanded:
// - shell: single quotes, each ' written as '\'' (nothing else is special
//   inside them, not $, `, \ nor a newline); the JSON's invisible and
//   terminal-driving characters as \u escapes (visibleJSON);
// - Python and Swift: a double-quoted literal in which everything but
//   printable ASCII is an escape, so no control or bidi character reaches the
//   file or the clipboard as itself.
// Credentials are read from ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET when
// the snippet runs: a snippet is pasted into chats and tickets, and a secret
// in it would leak with it. Only `revealing` writes them in.

public enum RequestExport {
    public enum Language: String, CaseIterable, Sendable {
        case curl, python, swift
    }

    public static let idVariable = "ZQT_ACCESS_KEY_ID"
    public static let secretVariable = "ZQT_ACCESS_KEY_SECRET"

    /// The URL a request is posted to on a service.
    public static func url(baseURL: String, endpoint: Endpoint) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return base + Endpoint.pathPrefix + endpoint.id
    }

    /// A snippet that posts `body` (the wire JSON, unchanged) to `url`.
    /// `revealing`: the credentials to write in instead of reading them from the environment.
    /// `freshID`: the task id the body holds, replaced by a new one each time
    /// the snippet runs (`zqt export --new-id`, issue 19: one fixed id met 409
    /// on the second run; wire rule 8). It is itself a fresh id, so it
    /// stands nowhere else in the body.
    public static func snippet(_ language: Language, url: String, body: String, revealing credentials: Credentials? = nil,
                               freshID: String? = nil) -> String {
        let marker = freshID.flatMap { $0.isEmpty || !body.contains($0) ? nil : $0 }
        switch language {
        case .curl: return curl(url: url, body: body, credentials: credentials, freshID: marker)
        case .python: return python(url: url, body: body, credentials: credentials, freshID: marker)
        case .swift: return swift(url: url, body: body, credentials: credentials, freshID: marker)
        }
    }

    /// The id each run of a snippet makes: as zqt's (TaskIDGenerator), letters, digits and '-'.
    static let shellNewID = #"zqt-$(date -u +%Y%m%d-%H%M%S)-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"#

    /// A request as the form holds it, for a service at `baseURL`.
    public static func snippet(_ language: Language, request: Request, baseURL: String,
                               revealing credentials: Credentials? = nil) -> String {
        snippet(language, url: url(baseURL: baseURL, endpoint: request.endpoint), body: request.wireJSON, revealing: credentials)
    }

    // MARK: curl

    static func curl(url: String, body: String, credentials: Credentials?, freshID: String? = nil) -> String {
        // ${VAR:?} stops the command with a message when a variable is unset,
        // instead of sending an empty key the service would refuse less clearly.
        let id = credentials.map { shellQuoted("\(HTTPImageAPI.idHeader): \($0.accessKeyID)") }
            ?? "\"\(HTTPImageAPI.idHeader): ${\(idVariable):?set \(idVariable)}\""
        let secret = credentials.map { shellQuoted("\(HTTPImageAPI.secretHeader): \($0.accessKeySecret)") }
            ?? "\"\(HTTPImageAPI.secretHeader): ${\(secretVariable):?set \(secretVariable)}\""
        // --data-binary sends the body byte for byte, as the service would get it from zqt.
        // A fresh id: the body's quoted parts around it, with the id made when the command runs between them.
        let data = freshID.map { id in
            visibleJSON(body).components(separatedBy: id).map(shellQuoted).joined(separator: "\"$ZQT_TASK_ID\"")
        } ?? shellQuoted(visibleJSON(body))
        let newID = freshID == nil ? "" : "ZQT_TASK_ID=\"\(shellNewID)\"\n"
        return newID + """
            curl -sS -X POST \(shellQuoted(url)) \\
              -H 'Content-Type: application/json' \\
              -H \(id) \\
              -H \(secret) \\
              --data-binary \(data)

            """
    }

    /// JSON text with DEL, the C1 controls and the bidi and line-separator
    /// characters written as \u escapes: the same JSON value, but nothing in
    /// it can drive a terminal that shows it (a C1 CSI) or make a command read
    /// differently from what runs (a right-to-left override). They can only
    /// stand inside strings, where \u means the same character. POSIX sh has
    /// no quoting that escapes a character, so the curl body is written so.
    public static func visibleJSON(_ json: String) -> String {
        var out = ""
        for scalar in json.unicodeScalars {
            switch scalar.value {
            case 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u" + hex(scalar.value, width: 4)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text as one POSIX shell word: inside single quotes nothing is special
    /// but the closing quote, written as '\'' (close, an escaped quote, open).
    public static func shellQuoted(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            if scalar == "'" { out += "'\\''" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "'"
    }

    // MARK: Python

    static func python(url: String, body: String, credentials: Credentials?, freshID: String? = nil) -> String {
        let id = credentials.map { pythonLiteral($0.accessKeyID) } ?? "os.environ[\"\(idVariable)\"]"
        let secret = credentials.map { pythonLiteral($0.accessKeySecret) } ?? "os.environ[\"\(secretVariable)\"]"
        let bodyLines = freshID.map { marker in
            """
            import time
            import uuid

            # A new task id each run: the service takes an id once (wire rule 8).
            task_id = "zqt-" + time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
            body = \(pythonLiteral(body)).replace(\(pythonLiteral(marker)), task_id)
            """
        } ?? "\nbody = \(pythonLiteral(body))"
        return """
            import os
            import urllib.request
            \(bodyLines)
            request = urllib.request.Request(\(pythonLiteral(url)), data=body.encode("utf-8"), method="POST", headers={
                "Content-Type": "application/json",
                "\(HTTPImageAPI.idHeader)": \(id),
                "\(HTTPImageAPI.secretHeader)": \(secret),
            })
            with urllib.request.urlopen(request) as response:
                print(response.read().decode("utf-8"))

            """
    }

    /// A Python 3 string literal: printable ASCII as itself (but " and \),
    /// everything else as \n, \t, \xNN, \uNNNN or \UNNNNNNNN.
    public static func pythonLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x20...0x7E: out.unicodeScalars.append(scalar)
            case 0...0xFF: out += "\\x" + hex(scalar.value, width: 2)
            case 0x100...0xFFFF: out += "\\u" + hex(scalar.value, width: 4)
            default: out += "\\U" + hex(scalar.value, width: 8)
            }
        }
        return out + "\""
    }

    // MARK: Swift

    static func swift(url: String, body: String, credentials: Credentials?, freshID: String? = nil) -> String {
        let credentialLines: String
        if let credentials {
            credentialLines = """
                let keyID = \(swiftLiteral(credentials.accessKeyID))
                let keySecret = \(swiftLiteral(credentials.accessKeySecret))
                """
        } else {
            credentialLines = """
                let environment = ProcessInfo.processInfo.environment
                guard let keyID = environment["\(idVariable)"], let keySecret = environment["\(secretVariable)"] else {
                    fatalError("set \(idVariable) and \(secretVariable)")
                }
                """
        }
        let bodyLines = freshID.map { marker in
            """
            // A new task id each run: the service takes an id once (wire rule 8).
            let taskID = "zqt-" + String(Int64(Date().timeIntervalSince1970)) + "-" + UUID().uuidString.prefix(8).lowercased()
            let body = \(swiftLiteral(body)).replacingOccurrences(of: \(swiftLiteral(marker)), with: taskID)
            """
        } ?? "let body = \(swiftLiteral(body))"
        return """
            import Foundation
            #if canImport(FoundationNetworking)
            import FoundationNetworking
            #endif

            \(credentialLines)
            \(bodyLines)
            guard let url = URL(string: \(swiftLiteral(url))) else { fatalError("not a URL") }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(keyID, forHTTPHeaderField: "\(HTTPImageAPI.idHeader)")
            request.setValue(keySecret, forHTTPHeaderField: "\(HTTPImageAPI.secretHeader)")
            request.httpBody = Data(body.utf8)
            let done = DispatchSemaphore(value: 0)
            URLSession.shared.dataTask(with: request) { data, _, error in
                if let error { print(error) } else if let data { print(String(decoding: data, as: UTF8.self)) }
                done.signal()
            }.resume()
            done.wait()

            """
    }

    /// A Swift string literal: printable ASCII as itself (but " and \),
    /// everything else as \n, \r, \t, \0 or \u{…}.
    public static func swiftLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00: out += "\\0"
            case 0x20...0x7E: out.unicodeScalars.append(scalar)
            default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
