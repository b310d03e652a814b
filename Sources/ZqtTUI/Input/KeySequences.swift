// The byte sequences the terminal sends for keys (terminfo's, and those
// given codes with define_key), matched in a block of bytes zqt read itself.
//
// Issue 18 (paste18): a paste without bracketed paste (tmux's paste-buffer
// without -p, a terminal that does not mark pastes) came through ncurses'
// wgetch, which reads one byte per read(2) and polls before each: a megabyte
// was two million system calls and 7.9 s before its end was on screen. zqt
// now reads what is waiting in large reads and names the keys in it here,
// from ncurses' own table (keybound), so the codes are the ones wgetch gives.

struct KeySequences: Sendable {
    /// Each key's bytes and the code wgetch gives for them.
    private let codes: [[UInt8]: Int32]
    /// Every proper prefix of a sequence: bytes that may still become a key.
    private let prefixes: Set<[UInt8]>
    /// Whether a byte is the first of a sequence (ESC for almost all): other
    /// bytes are themselves. A table, not a Set: it is asked for every byte of a paste.
    private let starts: [Bool]
    private let longest: Int

    /// Later bindings of the same bytes win (define_key's codes are given last).
    init(_ bindings: [(bytes: [UInt8], code: Int32)]) {
        var codes: [[UInt8]: Int32] = [:]
        var prefixes: Set<[UInt8]> = []
        var starts = [Bool](repeating: false, count: 256)
        var longest = 0
        for (bytes, code) in bindings where !bytes.isEmpty {
            codes[bytes] = code
            starts[Int(bytes[0])] = true
            longest = max(longest, bytes.count)
            for length in 1..<bytes.count { prefixes.insert(Array(bytes[..<length])) }
        }
        self.codes = codes
        self.prefixes = prefixes
        self.starts = starts
        self.longest = longest
    }

    enum Match: Equatable {
        /// A key's code (or a byte as itself), and how many bytes it took.
        case code(Int32, length: Int)
        /// The bytes from here to the end may be the start of a key whose
        /// rest has not arrived: left for ncurses, which waits ESCDELAY for it.
        case unfinished
    }

    /// What the bytes at `position` are: the longest key sequence starting
    /// there, else the byte itself (as wgetch gives an ESC that starts no key).
    /// `final`: no more bytes will come (ESCDELAY passed), so nothing is unfinished.
    func match(_ bytes: [UInt8], at position: Int, final: Bool = false) -> Match {
        let first = bytes[position]
        guard starts[Int(first)] else { return .code(Int32(first), length: 1) }
        var found: (code: Int32, length: Int)?
        var candidate: [UInt8] = [first]
        var length = 1
        while true {
            if let code = codes[candidate] { found = (code, length) }
            guard prefixes.contains(candidate) else { break }
            guard position + length < bytes.count else {
                // The block ends inside what may be a longer key.
                if final { break }
                return .unfinished
            }
            guard length < longest else { break }
            candidate.append(bytes[position + length])
            length += 1
        }
        if let found { return .code(found.code, length: found.length) }
        return .code(Int32(first), length: 1)
    }
}
