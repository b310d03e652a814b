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
