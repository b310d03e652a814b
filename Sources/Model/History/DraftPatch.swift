// A saved draft's recent edits as one small row (issue 18, wal18): the
// texts a slot's draft row names (its pieces, DraftPieces) stay as they
// were, and a save whose texts differ from them by a little writes only
// that little: the bytes between the part both share at the start and the
// part both share at the end. SQLite writes whole 4 KB pages into its log
// for each commit, and a save of changed pieces touched five (the new
// piece and its overflow page, the draft row listing every piece and its
// overflow, the free-page list): about 20 KB for one key in a megabyte
// prompt, 8 KB in an empty one. A patch row small enough to sit in its
// page is one page a save. When the edits outgrow it, the draft is saved in
// pieces again (a rebase) and the patch row goes.
//
// The row lives in draft_piece under a key no piece has ("~patch " + slot),
// so no migration is needed; a zqt from before reads the draft as of its
// last rebase (at most `limit` bytes of typing older), never a wrong text:
// the patch names a hash of the piece lists it applies to, and is ignored
// on any other.

struct DraftPatch: Equatable {
    /// Bytes of changed text kept in a patch at most: the row stays within
    /// its B-tree page (draft_piece is WITHOUT ROWID: about 1,000 bytes of a
    /// row are kept in the page, the rest in overflow pages).
    static let limit = 640

    /// One text's change: `prefix` bytes of the base, then `middle`, then
    /// the base's last `suffix` bytes; the base had `baseCount` bytes.
    struct Change: Equatable {
        var prefix: Int
        var suffix: Int
        var baseCount: Int
        var middle: String
    }

    var request: Change
    var drafts: Change
    /// The hash of the piece lists it applies to (the draft row's).
    var base: String
    var savedAt: Double

    static func key(slot: String) -> String { "~patch " + slot }

    /// The hash of a draft row's piece lists: the same lists, the same base.
    static func baseName(requestList: String, draftsList: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in requestList.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0x7C) &* 0x0000_0100_0000_01b3
        for byte in draftsList.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// How `text` differs from `base`, cut at characters' first bytes so the
    /// middle is whole text; nil when it differs by more than `limit` bytes.
    static func change(from base: String, to text: String, limit: Int = DraftPatch.limit) -> Change? {
        var base = base, text = text
        let baseCount = base.utf8.count, count = text.utf8.count
        // Cheaper than comparing: the middle would be too long whatever the texts hold.
        guard count - min(count, baseCount) <= limit else { return nil }
        return base.withUTF8 { old in
            text.withUTF8 { new -> Change? in
                var (prefix, suffix) = DraftPieces.common(new, old)
                while prefix > 0, prefix < new.count, new[prefix] & 0xC0 == 0x80 { prefix -= 1 }
                while suffix > 0, suffix < new.count, new[new.count - suffix] & 0xC0 == 0x80 { suffix -= 1 }
                let middleCount = new.count - prefix - suffix
                guard middleCount <= limit else { return nil }
                let middle = String(decoding: UnsafeBufferPointer(rebasing: new[prefix..<(prefix + middleCount)]), as: UTF8.self)
                return Change(prefix: prefix, suffix: suffix, baseCount: old.count, middle: middle)
            }
        }
    }

    /// The text the change makes of `base`; nil when it is not the base it was made from.
    static func apply(_ change: Change, to base: String) -> String? {
        let utf8 = base.utf8
        guard utf8.count == change.baseCount, change.prefix >= 0, change.suffix >= 0,
              change.prefix + change.suffix <= utf8.count else { return nil }
        let head = utf8.prefix(change.prefix), tail = utf8.suffix(change.suffix)
        guard let start = String(head), let end = String(tail) else { return nil }
        // Sized once: `start + middle` grew the megabyte to twice its size,
        // and a draft read at start is kept for the session (burst18).
        var text = ""
        text.reserveCapacity(start.utf8.count + change.middle.utf8.count + end.utf8.count)
        text += start
        text += change.middle
        text += end
        return text
    }

    /// The row's text: one line of numbers, then both middles.
    var text: String {
        let numbers = [request.prefix, request.suffix, request.baseCount, request.middle.utf8.count,
                       drafts.prefix, drafts.suffix, drafts.baseCount].map(String.init)
        return "1 \(base) \(savedAt) " + numbers.joined(separator: " ") + "\n" + request.middle + drafts.middle
    }

    /// A row's text read back; nil for anything not written as `text` writes it.
    init?(text: String) {
        guard let newline = text.utf8.firstIndex(of: UInt8(ascii: "\n")),
              let line = String(text.utf8[..<newline]) else { return nil }
        let words = line.split(separator: " ")
        guard words.count == 10, words[0] == "1", let savedAt = Double(words[2]) else { return nil }
        let numbers = words[3...].compactMap { Int($0) }
        guard numbers.count == 7, numbers.allSatisfy({ $0 >= 0 }) else { return nil }
        let middles = text.utf8[text.utf8.index(after: newline)...]
        guard numbers[3] <= middles.count else { return nil }
        let split = middles.index(middles.startIndex, offsetBy: numbers[3])
        guard let requestMiddle = String(middles[..<split]), let draftsMiddle = String(middles[split...]) else { return nil }
        self.init(request: Change(prefix: numbers[0], suffix: numbers[1], baseCount: numbers[2], middle: requestMiddle),
                  drafts: Change(prefix: numbers[4], suffix: numbers[5], baseCount: numbers[6], middle: draftsMiddle),
                  base: String(words[1]), savedAt: savedAt)
    }

    init(request: Change, drafts: Change, base: String, savedAt: Double) {
        self.request = request
        self.drafts = drafts
        self.base = base
        self.savedAt = savedAt
    }
}
