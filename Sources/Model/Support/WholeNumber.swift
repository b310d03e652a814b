// Whole numbers from doubles that came from outside (a service's JSON, a
// history column, a typed field): nil when the value is not finite, not
// whole or beyond what an Int holds, where Int(Double) would trap (issue 8).

public enum WholeNumber {
    public static func from(_ value: Double) -> Int? {
        guard value.isFinite, value == value.rounded(), abs(value) < 9e15 else { return nil }
        return Int(value)
    }

    /// Rounded to the nearest whole number, held within `range` (NaN gives the lower bound).
    public static func rounded(_ value: Double, in range: ClosedRange<Int>) -> Int {
        Int(clamping: value.rounded(), to: range)
    }
}
