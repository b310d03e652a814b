// Small text helpers the standard library lacks and zqt uses everywhere.
// (Foundation's versions live in the full Foundation, which zqt does not
// load: see README, "Measured figures".)

extension StringProtocol {
    /// Without whitespace (spaces, tabs, line breaks) at either end.
    public var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }

    /// Whether it holds only whitespace, or nothing.
    public var isBlank: Bool { allSatisfy(\.isWhitespace) }
}

/// A user's value quoted in an error: at most `quotedValueLimit` characters,
/// then an ellipsis (left21: 6,000 characters of bad text in a number field,
/// quoted whole, pushed every other message out of the message log).
public let quotedValueLimit = 40

extension StringProtocol {
    /// `"text"`, or `"the first 40 characters…"` for a longer one.
    public var quotedShort: String {
        count <= quotedValueLimit ? "\"\(self)\"" : "\"\(prefix(quotedValueLimit))…\""
    }
}
