// The command palette's keys (leftovers21): each command's key, the one
// `zqt keys` lists first for it, dim at the right of its row; a long title
// is cut with an ellipsis before it, never the key.

import Foundation
import Testing
@testable import ZqtTUI

@Suite struct PaletteKeysTests {
    /// A palette row's cells as text, from its first column to its last (the box's inside).
    static func rowText(_ grid: Grid, _ rect: Rect) -> String {
        String((rect.x..<rect.x + rect.width).compactMap { grid[$0, rect.y].character })
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func eachRowShowsItsKeyDimAtItsRight(width: Int, height: Int) throws {
        var state = makeState(width: width, height: height)
        press(&state, .char(":"))
        guard case let .picker(picker)? = state.view.overlay else { Issue.record("no palette"); return }
        let grid = Screen.render(state)
        var rows = 0
        for area in grid.hitAreas {
            guard case let .pickerOption(index) = area.target else { continue }
            rows += 1
            let option = picker.matches[index]
            let key = try #require(picker.keyLabels[option], "\(option) has a key")
            #expect(key == state.keys.rows(in: state.scopes + [.global]).first {
                Wording.helpTitle($0.command, server: state.connection.server) == option
            }?.keys.first?.label, "the key zqt keys lists first for \(option)")
            // The ↑ or ↓ of a list longer than the box sits in the row's last column, a blank column past
            // the key (newcomer21 read "M↓" as a key).
            var inside = area.rect
            inside.width -= 2
            #expect((grid[inside.x + inside.width, area.rect.y].character ?? " ") == " ", "\(option): a blank before the ↑/↓ column")
            let text = Self.rowText(grid, inside).trimmingCharacters(in: .whitespaces)
            #expect(text.hasSuffix("  " + key), "\(width)x\(height): \(text)")
            let title = String(text.dropLast(key.count)).trimmingCharacters(in: .whitespaces)
            if title != option {
                #expect(title.hasSuffix("…") && option.hasPrefix(title.dropLast()), "\(width)x\(height): \(title) for \(option)")
            }
            // The key's cells are dim, or the selection's on the selected row.
            let style = grid[inside.x + inside.width - 1, area.rect.y].style
            #expect(style == (index == picker.selected ? .selection : .dim), "\(option): \(style)")
        }
        #expect(rows >= 10, "the palette's rows on the grid")
    }

    /// New form's row on a narrow palette: the title cut, the key whole.
    @Test func aLongTitleIsCutNeverItsKey() {
        var state = makeState(width: 80, height: 24)
        press(&state, .char(":"))
        type(&state, "new form")
        let screen = Screen.render(state).text
        #expect(screen.contains("New form: the endpoint's defaults and the config file's"), "\(screen)")
        let row = screen.split(separator: "\n").first { $0.contains("New form: the endpoint") }.map(String.init) ?? ""
        #expect(row.contains("…  N"), "\(row)")
    }
}
