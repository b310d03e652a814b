import Foundation
import Testing
@testable import Model

/// A long draft is cut reading only what changed (issue 18): the pieces an
/// incremental cut gives must be exactly those of cutting the text whole,
/// whatever the edit (in the middle, at either end, a paste, a deletion
/// across pieces), or a save would name pieces a restart could not join.
@Suite struct DraftPiecesIncrementalTests {
    struct Dice {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
    }

    static let samples = ["a", ", ", "masterpiece, best quality, ", "一个女孩在雨中", "\n", "😀", "\"q\"", String(repeating: "lighthouse ", count: 900)]

    @Test(arguments: [1, 2, 3])
    func editsCutAsTheWholeTextDoes(seed: Int) {
        var dice = Dice(state: UInt64(seed))
        var text = (0..<12_000).map { "tag\($0 % 97), 一个女孩 \($0 % 13)" }.joined(separator: ", ")
        _ = DraftPieces.cut(text)
        for step in 0..<60 {
            var utf8 = Array(text.unicodeScalars)
            let at = dice.next(utf8.count + 1)
            switch dice.next(4) {
            case 0:  // a deletion, up to a few pieces long
                let length = min(utf8.count - at, dice.next(3) == 0 ? dice.next(40_000) : dice.next(30))
                utf8.removeSubrange(at..<at + length)
            case 1:  // at the very start or end
                let sample = Self.samples[dice.next(Self.samples.count)].unicodeScalars
                if dice.next(2) == 0 { utf8.insert(contentsOf: sample, at: 0) } else { utf8.append(contentsOf: sample) }
            default:
                utf8.insert(contentsOf: Self.samples[dice.next(Self.samples.count)].unicodeScalars, at: at)
            }
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: utf8)
            text = String(scalars)
            let pieces = DraftPieces.cut(text)
            #expect(pieces == DraftPieces.cutWhole(text), "step \(step): the pieces differ from a whole cut")
            #expect(pieces.map(\.text).joined() == text)
        }
    }

    @Test func twoFormsTypedInTurnEachReuseTheirOwnPieces() {
        let first = String(repeating: "masterpiece, best quality, 灯塔, ", count: 8_000)
        let second = String(repeating: "lowres, bad anatomy, 一个女孩, ", count: 8_000)
        _ = DraftPieces.cut(first)
        _ = DraftPieces.cut(second)
        for (text, edit) in [(first, "雨夜 "), (second, "blurry, "), (first, "at dusk ")] {
            var edited = text
            edited.insert(contentsOf: edit, at: edited.index(edited.startIndex, offsetBy: edited.count / 3))
            #expect(DraftPieces.cut(edited) == DraftPieces.cutWhole(edited))
        }
    }
}
