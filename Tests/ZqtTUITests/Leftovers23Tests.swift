// What the last newcomer found on the screen (leftovers23): the palette's
// box that jumped and cut its titles, the footer that dropped ": commands",
// the enlarged picture's silent wrap, Esc in the history list.

import Foundation
import TestScratch
import Testing
@testable import ZqtTUI

@Suite struct Leftovers23Tests {
    static func pickerRect(_ grid: Grid) -> Rect? {
        grid.hitAreas.first { if case .picker = $0.target { true } else { false } }?.rect
    }

    /// The rows the options are on, by their place in the matches.
    static func optionRows(_ grid: Grid) -> [Int: Int] {
        var rows: [Int: Int] = [:]
        for area in grid.hitAreas { if case let .pickerOption(index) = area.target { rows[index] = area.rect.y } }
        return rows
    }

    static func line(_ grid: Grid, y: Int, from x: Int, width: Int) -> String {
        String((x..<x + width).compactMap { grid[$0, y].character })
    }

    /// The box keeps its place and size as the filter leaves fewer rows, one, then none, and says no command matches.
    @Test(arguments: [(80, 24), (120, 40)])
    func thePaletteStaysPutAsItsRowsShrink(width: Int, height: Int) throws {
        var state = makeState(width: width, height: height)
        press(&state, .char(":"))
        let opened = try #require(Self.pickerRect(Screen.render(state)))
        for typed in ["s", "e", "n", "d"] {
            type(&state, typed)
            let grid = Screen.render(state)
            #expect(Self.pickerRect(grid) == opened, "after \(typed) at \(width)x\(height)")
        }
        guard case let .picker(picker)? = state.view.overlay else { Issue.record("no palette"); return }
        type(&state, "qqqq")
        let grid = Screen.render(state)
        #expect(Self.pickerRect(grid) == opened, "no match at \(width)x\(height)")
        #expect(grid.text.contains("no command matches"), "\(grid.text)")
        #expect(picker.matches.count < 5, "the filter left few: \(picker.matches)")
    }

    /// A title its row cuts is shown whole at the box's foot while highlighted; the rows stay where they were.
    @Test(arguments: [(80, 24), (120, 40)])
    func theHighlightedRowsTitleIsShownWhole(width: Int, height: Int) throws {
        var state = makeState(width: width, height: height)
        press(&state, .char(":"))
        guard case let .picker(picker)? = state.view.overlay else { Issue.record("no palette"); return }
        // Every option, highlighted in turn: a cut one is read whole at the foot, and no row moves.
        var grid = Screen.render(state)
        let rect = try #require(Self.pickerRect(grid))
        var cutSeen = 0
        var firstRows: [Int: Int]? = nil
        for index in picker.matches.indices {
            if index > 0 { press(&state, .down) }
            grid = Screen.render(state)
            #expect(Self.pickerRect(grid) == rect)
            let rows = Self.optionRows(grid)
            if index == 0 { firstRows = rows }
            let option = picker.matches[index]
            let y = try #require(rows[index], "\(option) on screen")
            let row = Self.line(grid, y: y, from: rect.x, width: rect.width)
            // A title is cut when its row does not hold it whole (some titles end in "…" of their own).
            guard !row.contains(option) else { continue }
            cutSeen += 1
            // The foot: the lines between the last option row and the keys' line, read together.
            let lastRow = try #require(rows.values.max())
            let foot = (lastRow + 1..<rect.maxY - 2).map { Self.line(grid, y: $0, from: rect.x + 1, width: rect.width - 2).trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            #expect(foot == option, "\(width)x\(height): foot \(foot) for \(option)")
            if let first = firstRows, index < (first.values.count) {
                #expect(rows == first, "rows moved when \(option) was highlighted")
            }
        }
        if width == 80 { #expect(cutSeen > 0, "at 80 columns some title is cut") }
    }

    static func footer(_ state: AppState) -> String {
        String(Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false).last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "")
    }

    /// ": commands", the way to every command, stays in the footer at the narrowest width the app supports,
    /// with the other essential keys; the screen's own keys that do not fit go instead.
    @Test(arguments: [80, 120])
    func theFooterKeepsTheCommandsHint(width: Int) throws {
        let form = makeState(width: width, height: 24)
        let history = historyState([summary(2, "a lighthouse"), summary(1, "a cat")], width: width, height: 24)
        var entry = history
        _ = press(&entry, .enter)
        _ = Reducer.reduce(&entry, .entriesLoaded([record(2, prompt: "a lighthouse")], .show))
        let scratch = Scratch()
        var pictures = try PictureTests.stateWithResults(in: try PictureTests.temporaryFolder(in: scratch), width: width, height: 24)
        press(&pictures, .char("o"))
        for (name, state) in [("form", form), ("history", history), ("entry", entry), ("pictures", pictures)] {
            let footer = Self.footer(state)
            #expect(footer.contains(": commands"), "\(name) at \(width): \(footer)")
            for essential in ["? help", "q quit", "F7 endpoint"] { #expect(footer.contains(essential), "\(name) at \(width): \(footer)") }
        }
        #expect(Self.footer(history).contains("F2 form") && Self.footer(form).contains("F5 send"))
    }

    /// The enlarged picture says on the status line when a step goes round the set, as docs/pictures.md does.
    @Test func theEnlargedPictureSaysWhenItGoesRound() throws {
        let scratch = Scratch()
        var state = try PictureTests.stateWithResults(in: try PictureTests.temporaryFolder(in: scratch), width: 80, height: 24)
        press(&state, .char("o"), .enter)
        #expect(state.view.zoom != nil)
        let statusLine = { (state: AppState) in
            Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false).first { $0.contains("Image ") }.map(String.init) ?? ""
        }
        #expect(!statusLine(state).contains("again"), "\(statusLine(state))")
        press(&state, .right)
        #expect(statusLine(state).contains("Image 2 of 2") && !statusLine(state).contains("again"), "\(statusLine(state))")
        press(&state, .right)
        #expect(statusLine(state).contains("Image 1 of 2 (after the last, the first again)"), "\(statusLine(state))")
        press(&state, .left)
        #expect(statusLine(state).contains("Image 2 of 2 (before the first, the last again)"), "\(statusLine(state))")
        let pictures = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/ZqtTUITests/Leftovers23Tests.swift", with: "docs/pictures.md"), encoding: .utf8)
        #expect(pictures.contains("\"after the last, the\n  first again\"") || pictures.contains("\"after the last, the first again\""), "docs/pictures.md says the same words")
    }

    /// Esc steps back one thing a press, as lazygit's filtered lists do: the filter's edit and words,
    /// then the history; the help says that the list's letters are commands once the filter is left.
    @Test func escInTheHistoryStepsBackOneThingAPress() {
        var state = historyState([summary(2, "a lighthouse"), summary(1, "a cat")], width: 80, height: 24)
        press(&state, .char("/"))
        type(&state, "cat")
        #expect(OverlayView.helpLines(state).contains { $0.contains("letters are its commands") }, "the help says where the keys go")
        press(&state, .escape)
        #expect(state.screen == .history && !state.history.filterFocused && state.history.filter.text.isEmpty)
        #expect(Self.footer(state).contains("/ filter"), "\(Self.footer(state))")
        // A filter kept with Enter is cleared by the first Esc on the list, the history left by the next.
        press(&state, .char("/"))
        type(&state, "cat")
        press(&state, .enter)
        press(&state, .escape)
        #expect(state.screen == .history && state.history.filter.text.isEmpty)
        press(&state, .escape)
        #expect(state.screen == .compose)
    }
    /// The help while a filter is typed lists the keys that work there
    /// (newcomer23: `?`, `:`, `q` were listed, and typed into the filter;
    /// Ctrl-P was listed for the palette and for the previous row).
    @Test func theHelpWhileAFilterIsTypedListsOnlyKeysThatWorkThere() {
        var state = historyState([summary(2, "a lighthouse"), summary(1, "a cat")], width: 120, height: 40)
        press(&state, .char("/"))
        type(&state, "cat")
        let lines = OverlayView.helpLines(state)
        let here = Array(lines.prefix { $0 != Wording.helpElsewhere })
        for key in ["?", ":", "q"] {
            #expect(!here.contains { $0.hasPrefix(key + " ") }, "\(key) is typed into the filter:\n\(here.joined(separator: "\n"))")
        }
        #expect(here.filter { $0.split(separator: " ").contains("Ctrl-P") }.count == 1, "\(here.joined(separator: "\n"))")
        #expect(here.contains { $0.contains("Previous row") })
    }
}
