// Counts and percentages as the screens and the command line write them.

import Model

enum Wording {
    /// "1 image", "2 images".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// What a training task (§3.1) is once accepted: §3.2 is a callback to
    /// the caller, not a query zqt could ask, so nothing more is known here.
    static let notFollowed = "the service reports training results by callback (§3.2); zqt cannot follow it"

    /// The status line after a send whose tasks cannot be followed.
    static func acceptedNotFollowed(_ title: String, serviceTaskID: String) -> String {
        "Sent to \(title): accepted, the service's task id \(serviceTaskID) · \(notFollowed)"
    }

    /// A `.data` result (face detection, §4.9) in the status line: the
    /// service's JSON on one line, without the ids and status the line
    /// already gives (§2.3's envelope members); the history shows it whole.
    static func serviceAnswer(_ json: String, kept: Bool) -> String {
        var shown = oneLine(json)
        if let members = try? JSONParser.parse(json).objectValue {
            let told: Set<String> = ["taskId", "task_id", "id_task", "businessTaskId", "status", "desc", "msg"]
            shown = JSONWriter.compact(.object(members.filter { !told.contains($0.key) }))
        }
        return "the service's answer" + (kept ? " (whole in the history)" : "") + ": " + shown
    }

    /// Text of several lines (a pretty JSON answer, a caption) on one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// 0.452 → "45%".
    static func percent(_ fraction: Double) -> String {
        // Never a trap: a fraction from the service may be NaN or huge (issue 8).
        "\(Int(clamping: (fraction * 100).rounded(), to: 0...100))%"
    }
}
