// Counts and percentages as the screens and the command line write them.

enum Wording {
    /// "1 image", "2 images".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// 0.452 → "45%".
    static func percent(_ fraction: Double) -> String {
        // Never a trap: a fraction from the service may be NaN or huge (issue 8).
        "\(Int(clamping: (fraction * 100).rounded(), to: 0...100))%"
    }
}
