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
//
// Edits in several places (the end, then the middle, then the start of a
// long prompt) are a row each (draftbytes18): one row spanning them all
// would hold the text between them, past `limit`, and every save would cut
// the draft into pieces again (a rebase: the changed pieces, the row listing
// all of them, the freed pages; about 24 pages of the log for a megabyte).
// A save writes the row its edits join (the last one, while its span stays
// within `limit`) or one more row; the rows apply one after the other, and
// past `maxRows` the draft is cut into pieces again. Rows after the first
// are keyed "~patch SLOT\u{1F}N" and name the row before them, so a zqt from
// before, which knows only the first, reads an older draft, never a wrong one.

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

        /// Nothing changed: the base as it was.
        var isEmpty: Bool { middle.isEmpty && prefix + suffix == baseCount }
    }

    var request: Change
    var drafts: Change
    /// The hash of the piece lists it applies to (the draft row's).
    var base: String
    var savedAt: Double

    /// Rows a slot's edits may take before the draft is cut into pieces
    /// again: each is a page of the log at most, and a rebase is about 24.
    static let maxRows = 8

    static func key(slot: String) -> String { "~patch " + slot }

    /// The key of a slot's row `index` (0 is the one a zqt from before reads).
    static func key(slot: String, index: Int) -> String {
        index == 0 ? key(slot: slot) : key(slot: slot) + "\u{1F}" + String(index)
    }

    /// The keys between which a slot's rows after the first lie.
    static func laterKeys(slot: String) -> (from: String, below: String) {
        (key(slot: slot) + "\u{1F}", key(slot: slot) + "\u{20}")
    }

    /// What row `index` names as its base: the piece lists' hash, and for the
    /// rows after the first also the text of the row before it (which is
    /// never written again once a row follows it).
    static func chainName(base lists: String, previousRow: String?) -> String {
        guard let previousRow else { return lists }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in previousRow.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return lists + "/" + String(hash, radix: 16)
    }

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
                let (prefix, suffix) = DraftPieces.common(new, old)
                return cut(new, prefix: prefix, suffix: suffix, baseCount: old.count, limit: limit)
            }
        }
    }

    /// How `text` differs from what `rows` made of `base` (each applied to
    /// what the one before gave), found without building that text: its
    /// bytes are the base's and the rows' middles, compared where they lie.
    static func change(from base: String, through rows: [Change], to text: String, limit: Int = DraftPatch.limit) -> Change? {
        guard !rows.isEmpty else { return change(from: base, to: text, limit: limit) }
        var parts = [Part(source: -1, start: 0, end: base.utf8.count)]
        var savedCount = base.utf8.count
        for (index, row) in rows.enumerated() {
            guard row.baseCount == savedCount, row.prefix >= 0, row.suffix >= 0, row.prefix + row.suffix <= savedCount else { return nil }
            let middle = row.middle.utf8.count
            parts = Self.parts(parts, from: 0, to: row.prefix) + (middle == 0 ? [] : [Part(source: index, start: 0, end: middle)])
                + Self.parts(parts, from: savedCount - row.suffix, to: savedCount)
            savedCount = row.prefix + middle + row.suffix
        }
        let count = text.utf8.count
        guard count - min(count, savedCount) <= limit else { return nil }
        let middles = rows.map { Array($0.middle.utf8) }
        var base = base, text = text
        return base.withUTF8 { old in
            text.withUTF8 { new -> Change? in
                func shared(_ part: Part, _ body: (UnsafeBufferPointer<UInt8>) -> Int) -> Int {
                    if part.source < 0 { return body(UnsafeBufferPointer(rebasing: old[part.start..<part.end])) }
                    return middles[part.source].withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[part.start..<part.end])) }
                }
                var prefix = 0
                for part in parts {
                    let same = shared(part) { SharedBytes.atStart($0, UnsafeBufferPointer(rebasing: new[prefix...])) }
                    prefix += same
                    if same < part.end - part.start { break }
                }
                let most = min(savedCount, new.count) - prefix
                var suffix = 0
                for part in parts.reversed() where suffix < most {
                    let end = new.count - suffix
                    let same = shared(part) { SharedBytes.atEnd($0, UnsafeBufferPointer(rebasing: new[..<end]), atMost: most - suffix) }
                    suffix += same
                    if same < part.end - part.start { break }
                }
                return cut(new, prefix: prefix, suffix: suffix, baseCount: savedCount, limit: limit)
            }
        }
    }

    /// A run of bytes of the saved text: of the base (source -1) or of a row's middle.
    private struct Part {
        var source: Int
        var start: Int
        var end: Int
    }

    /// The parts of bytes `start..<end` of the text `parts` make.
    private static func parts(_ parts: [Part], from start: Int, to end: Int) -> [Part] {
        var result: [Part] = [], offset = 0
        for part in parts where offset < end {
            let length = part.end - part.start
            let low = max(start, offset), high = min(end, offset + length)
            if low < high { result.append(Part(source: part.source, start: part.start + low - offset, end: part.start + high - offset)) }
            offset += length
        }
        return result
    }

    /// The change of a text shared `prefix` bytes at the start and `suffix`
    /// at the end, cut at characters' first bytes so the middle is whole text.
    private static func cut(_ new: UnsafeBufferPointer<UInt8>, prefix: Int, suffix: Int, baseCount: Int, limit: Int) -> Change? {
        var prefix = prefix, suffix = suffix
        while prefix > 0, prefix < new.count, new[prefix] & 0xC0 == 0x80 { prefix -= 1 }
        while suffix > 0, suffix < new.count, new[new.count - suffix] & 0xC0 == 0x80 { suffix -= 1 }
        let middleCount = new.count - prefix - suffix
        guard middleCount <= limit else { return nil }
        let middle = String(decoding: UnsafeBufferPointer(rebasing: new[prefix..<(prefix + middleCount)]), as: UTF8.self)
        return Change(prefix: prefix, suffix: suffix, baseCount: baseCount, middle: middle)
    }

    /// Two changes made one after the other (`later` on what `earlier` gave)
    /// as one change of `earlier`'s base: the bytes from where the first of
    /// them starts to where the last ends, read from `text`, what both made;
    /// nil when that passes `limit` (edits far apart are a row each).
    static func merged(_ earlier: Change, _ later: Change, in text: String, limit: Int) -> Change? {
        let count = earlier.prefix + earlier.middle.utf8.count + earlier.suffix
        guard later.baseCount == count, later.prefix + later.suffix <= count,
              text.utf8.count == later.prefix + later.middle.utf8.count + later.suffix else { return nil }
        let start = min(earlier.prefix, later.prefix)
        let suffix = count - max(earlier.prefix + earlier.middle.utf8.count, count - later.suffix)
        let middleCount = text.utf8.count - start - suffix
        guard middleCount >= 0, middleCount <= limit else { return nil }
        var text = text
        let middle = text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<(start + middleCount)]), as: UTF8.self) }
        return Change(prefix: start, suffix: suffix, baseCount: earlier.baseCount, middle: middle)
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
