// The status messages shown lately, for `M` (newcomer re-check of issue
// 19): a message wider than the status line was cut with no way to read it
// whole ("…so it may stil…"). The line marks a cut message with the key;
// the key shows the last ones whole, wrapped, newest first.

extension Reducer {
    static func showMessages(_ state: inout AppState) -> [Effect] {
        guard !state.recentMessages.isEmpty else {
            state.status = StatusMessage(text: Wording.noMessagesYet, kind: .info)
            return []
        }
        state.view.overlay = .notice(Wording.recentMessagesNotice(state.recentMessages.reversed().map(\.text)))
        return []
    }
}

enum StatusMessages {
    /// How many are kept: the box shows them all on a 24-line terminal when they are short.
    static let kept = 8

    /// Kept once: the same text again (a retry said twice) is not kept twice in a row.
    static func record(_ message: StatusMessage, in list: inout [StatusMessage]) {
        if list.last?.text == message.text { return }
        list.append(message)
        if list.count > kept { list.removeFirst(list.count - kept) }
    }

    /// The status line's text in `room` columns: whole when it fits, else
    /// cut with a mark that says the key showing it whole.
    static func fitted(_ text: String, room: Int, key: String) -> String {
        guard TextWidth.of(text) > room else { return text }
        let mark = Wording.statusCutMark(key: key)
        let markWidth = TextWidth.of(mark)
        guard room > markWidth + 8 else { return TextWidth.truncate(text, to: room) }
        return TextWidth.truncate(text, to: room - markWidth) + mark
    }
}
