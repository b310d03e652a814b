// Face detection's boxes drawn over the picture it scanned (issue 17,
// zhiqite-api.md §4.9): outlines drawn into decoded RGBA pixels, each with
// its number in a small tag at its top-left corner, the number of its row in
// the results pane's table. Drawn into pixels, not cells, so the same
// picture goes through every picture mode (chafa's symbols, kitty, iTerm2,
// sixel). Only a copy in memory is drawn on: the file stays as it was.

import Model

/// One face's box in the scanned picture's own pixels, and its number.
public struct FaceBox: Equatable, Sendable {
    public var number: Int
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(number: Int, x: Int, y: Int, width: Int, height: Int) {
        self.number = number
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

extension Picture {
    /// Colours the boxes take in turn: bright, and far apart, so two
    /// neighbouring faces are told apart even in 16 colours.
    public static let faceBoxColours: [(UInt8, UInt8, UInt8)] = [
        (0, 255, 64), (255, 48, 48), (48, 160, 255), (255, 220, 0), (255, 64, 255), (0, 240, 240),
    ]

    /// A copy with each box outlined and numbered. `scale` maps the boxes'
    /// coordinates (the service's, in the file's pixels) onto this picture's
    /// (a scaled copy of the file). A box outside the picture is clipped; one
    /// wholly outside, or of no size, is left out. Never traps on any value.
    public func withFaceBoxes(_ boxes: [FaceBox], scale: Double = 1) -> Picture {
        guard !boxes.isEmpty, scale.isFinite, scale > 0 else { return self }
        var out = pixels
        // Lines thick enough to survive a thumbnail a few cells wide.
        let thickness = max(2, min(width, height) / 120)
        func clamped(_ value: Double) -> Int {
            guard value.isFinite else { return 0 }
            return WholeNumber.rounded(value, in: -1...Int(Int32.max))
        }
        for (index, box) in boxes.enumerated() {
            let colour = Self.faceBoxColours[index % Self.faceBoxColours.count]
            let left = clamped(Double(box.x) * scale), top = clamped(Double(box.y) * scale)
            let right = clamped(Double(box.x) * scale + Double(box.width) * scale) - 1
            let bottom = clamped(Double(box.y) * scale + Double(box.height) * scale) - 1
            guard box.width > 0, box.height > 0, right >= 0, bottom >= 0, left < width, top < height, right > left, bottom > top else {
                continue
            }
            let band = min(thickness, max(1, (right - left) / 4), max(1, (bottom - top) / 4))
            fill(&out, left, top, right, top + band - 1, colour)
            fill(&out, left, bottom - band + 1, right, bottom, colour)
            fill(&out, left, top, left + band - 1, bottom, colour)
            fill(&out, right - band + 1, top, right, bottom, colour)
            tag(&out, number: box.number, x: max(0, left), y: max(0, top), size: max(1, band), colour: colour)
        }
        return Picture(width: width, height: height, pixels: out)
    }

    /// Fills the rectangle (inclusive corners, clipped to the picture) with an opaque colour.
    private func fill(_ out: inout [UInt8], _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ colour: (UInt8, UInt8, UInt8)) {
        let left = max(0, x0), right = min(width - 1, x1), top = max(0, y0), bottom = min(height - 1, y1)
        guard left <= right, top <= bottom else { return }
        for y in top...bottom {
            var index = (y * width + left) * 4
            for _ in left...right {
                out[index] = colour.0; out[index + 1] = colour.1; out[index + 2] = colour.2; out[index + 3] = 255
                index += 4
            }
        }
    }

    /// The box's number in black on a tag of its colour, inside its top-left corner.
    private func tag(_ out: inout [UInt8], number: Int, x: Int, y: Int, size: Int, colour: (UInt8, UInt8, UInt8)) {
        let digits = Array(String(max(0, min(number, 999))))
        let dot = max(1, size)  // one font pixel, in picture pixels
        let tagWidth = (digits.count * 4 + 1) * dot, tagHeight = 7 * dot
        fill(&out, x, y, x + tagWidth - 1, y + tagHeight - 1, colour)
        for (place, digit) in digits.enumerated() {
            guard let rows = Self.digitFont[digit] else { continue }
            for (row, bits) in rows.enumerated() {
                for column in 0..<3 where bits & (4 >> column) != 0 {
                    let px = x + (1 + place * 4 + column) * dot, py = y + (1 + row) * dot
                    fill(&out, px, py, px + dot - 1, py + dot - 1, (0, 0, 0))
                }
            }
        }
    }

    /// Digits 3 pixels wide and 5 high, a row a number (bit 4 the left column).
    private static let digitFont: [Character: [UInt8]] = [
        "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1],
        "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 2, 2, 2], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
    ]
}
