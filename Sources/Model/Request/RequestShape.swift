// What a request's results will look like, read through the fields' roles:
// the size of each image and the seed. The sandbox makes images of this
// size, and `zqt send` says it before sending.

extension Request {
    private func integer(_ path: String) -> Int? {
        wireValue(at: path).flatMap(WireCoding.integer)
    }

    private func number(_ path: String) -> Double? {
        guard let value = wireValue(at: path)?.numberValue, value.isFinite else { return nil }
        return value
    }

    /// The seed asked for (-1 random, wire rule 4), when the endpoint has one.
    public var seed: Int? {
        endpoint.field(role: .seed).flatMap { integer($0.path) }
    }

    /// The size of each result. SD's hi-res fix (§1.1) sets the final size:
    /// `hr_resize_x`/`hr_resize_y` when given (x the width, wire rule 7; one
    /// alone keeps the aspect ratio), else the base size × `hr_scale`.
    /// Endpoints without a size (most tools) answer 1024×1024, the service's usual.
    public var outputSize: (width: Int, height: Int) {
        let width = endpoint.field(role: .width).flatMap { integer($0.path) } ?? 1024
        let height = endpoint.field(role: .height).flatMap { integer($0.path) } ?? 1024
        guard endpoint.family == .sd, wireValue(at: "enable_hr")?.boolValue == true else { return (width, height) }
        let scale = number("hr_scale") ?? 2
        let x = integer("hr_resize_x") ?? 0, y = integer("hr_resize_y") ?? 0
        func rounded(_ value: Double) -> Int { Int(clamping: value.rounded(), to: 0...1_000_000) }
        switch (x > 0, y > 0) {
        case (true, true): return (x, y)
        case (true, false): return (x, rounded(Double(x) * Double(height) / Double(max(width, 1))))
        case (false, true): return (rounded(Double(y) * Double(width) / Double(max(height, 1))), y)
        case (false, false): return (rounded(Double(width) * scale), rounded(Double(height) * scale))
        }
    }
}
