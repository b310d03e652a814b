import Foundation
import Model
import Testing
@testable import ZqtTUI

/// Prompt editing as AUTOMATIC1111 users know it, the rest of issue 19: a
/// selection in a field's text that Ctrl-↑/↓ weigh, the attention syntax
/// coloured in the form when the prompt is not being edited, and the list of
/// LoRA and embedding names that pops up while a prompt is typed.
@Suite struct PromptEditingTests {
    /// The prompt being edited, holding `text`, the cursor at its end.
    static func editing(_ text: String, state: AppState = makeState()) -> AppState {
        var state = state
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, text)
        return state
    }

    static func buffer(_ state: AppState) -> TextBuffer? { state.view.editing?.buffer }

    static func selectedText(_ state: AppState) -> String? {
        guard let buffer = buffer(state), let selection = buffer.selection else { return nil }
        return buffer.text(in: selection)
    }

    // MARK: The selection

    @Test func shiftArrowsSelectAndTypingReplacesTheSelection() {
        var state = Self.editing("a red hat")
        press(&state, .shiftLeft, .shiftLeft, .shiftLeft)
        #expect(Self.selectedText(state) == "hat")
        type(&state, "cap")
        #expect(Self.buffer(state)?.text == "a red cap" && Self.buffer(state)?.selection == nil)
        press(&state, .home, .shiftEnd)
        #expect(Self.selectedText(state) == "a red cap")
        press(&state, .backspace)
        #expect(Self.buffer(state)?.text == "")
        press(&state, .enter)
        #expect(state.request.prompt == "")
    }

    @Test func aPlainMoveOrEscEndsTheSelectionAndEscThenCancels() {
        var state = Self.editing("a red hat")
        press(&state, .shiftHome)
        #expect(Self.selectedText(state) == "a red hat")
        press(&state, .right)
        #expect(Self.buffer(state)?.selection == nil && Self.buffer(state)?.cursor == 1, "a plain move ends it")
        press(&state, .shiftRight, .shiftRight)
        #expect(Self.selectedText(state) == " r")
        press(&state, .escape)
        #expect(Self.buffer(state)?.selection == nil && state.view.editing != nil, "Esc takes the selection, the edit stays")
        press(&state, .delete)
        #expect(Self.buffer(state)?.text == "a rd hat", "Del deletes one character again")
        press(&state, .escape)
        #expect(state.view.editing == nil, "a second Esc cancels the edit")
    }

    @Test func aPasteOrAPickReplacesTheSelection() {
        var state = Self.editing("a red hat")
        press(&state, .shiftLeft, .shiftLeft, .shiftLeft)
        _ = Reducer.reduce(&state, .paste("scarf"))
        #expect(Self.buffer(state)?.text == "a red scarf")
        press(&state, .shiftHome, .delete)
        #expect(Self.buffer(state)?.text == "")
    }

    @Test func theSelectionIsDrawnReversedOnTheFieldsLine() throws {
        var state = Self.editing("a red hat")
        press(&state, .left, .left, .left, .left, .shiftLeft, .shiftLeft, .shiftLeft)
        let grid = Screen.render(state)
        let y = try #require((0..<grid.size.height).first { grid.line($0).contains("a red hat") })
        let x = try #require(grid.line(y).range(of: "a red hat").map { grid.line(y).distance(from: grid.line(y).startIndex, to: $0.lowerBound) })
        #expect((2..<5).allSatisfy { grid[x + $0, y].style == .selection }, "red")
        #expect(grid[x + 1, y].style == .editing && grid[x + 5, y].style == .editing)
    }

    // MARK: Ctrl-↑/↓ on a selection (A1111's edit-attention)

    @Test func ctrlUpWrapsTheSelectedWordsAndStepsThemInPlace() {
        var state = Self.editing("a red hat, blue sky")
        press(&state, .home)
        for _ in 0..<2 { press(&state, .right) }
        for _ in 0..<8 { press(&state, .shiftRight) }  // "red hat,"
        press(&state, .shiftLeft)  // "red hat"
        press(&state, .ctrlUp)
        #expect(Self.buffer(state)?.text == "a (red hat:1.1), blue sky")
        #expect(Self.selectedText(state) == "red hat", "the same words stay selected")
        press(&state, .ctrlUp, .ctrlUp)
        #expect(Self.buffer(state)?.text == "a (red hat:1.3), blue sky", "re-weighed in place, not wrapped again")
        press(&state, .ctrlDown, .ctrlDown, .ctrlDown)
        #expect(Self.buffer(state)?.text == "a red hat, blue sky", "back at 1.0 the brackets go")
        #expect(Self.selectedText(state) == "red hat")
        press(&state, .ctrlDown)
        press(&state, .enter)
        #expect(state.request.prompt == "a (red hat:0.9), blue sky")
    }

    @Test func theSelectionsWeightFollowsA1111() {
        func weigh(_ text: String, _ selected: Range<Int>, _ up: Bool) -> (String, String)? {
            guard let result = PromptAttention.adjust(Array(text), selection: selected, up: up) else { return nil }
            var characters = Array(text)
            characters.replaceSubrange(result.edit.range, with: Array(result.edit.replacement))
            return (String(characters), String(characters[result.selection]))
        }
        #expect(weigh("a cat ", 1..<6, true)! == ("a (cat:1.1) ", "cat"), "spaces at the ends left out")
        #expect(weigh("x (cat dog:1.25) y", 2..<16, true)! == ("x (cat dog:1.4) y", "cat dog"), "a whole group selected")
        #expect(weigh("x (cat:0.1) y", 3..<6, false)! == ("x (cat:0.0) y", "cat"))
        #expect(weigh("<lora:add_detail:0.8>", 6..<16, true)! == ("<lora:add_detail:0.9>", "add_detail"), "a LoRA's weight")
        #expect(weigh("a   b", 1..<4, true) == nil, "only spaces: nothing to weigh")
    }

    @Test func aSelectionInsideALongLoRANameStepsTheTagsWeight() {
        let name = String(repeating: "long_", count: 20) + "detail"
        var buffer = TextBuffer("a, <lora:\(name):0.8>, b")
        for _ in 0..<8 { buffer.moveLeft() }
        for _ in 0..<6 { _ = buffer.apply(.selectLeft, width: 80) }
        #expect(buffer.selection.map(buffer.text(in:)) == "detail")
        let weighed = buffer.adjustWeight(up: true)
        #expect(weighed)
        #expect(buffer.text == "a, <lora:\(name):0.9>, b")
    }

    @Test func aSelectionInAMegabyteReadsOnlyAroundIt() {
        let big = String(repeating: "masterpiece, best quality, ", count: 40_000)
        var buffer = TextBuffer(big + "red hat")
        buffer.keepLayout(width: 80)
        for _ in 0..<7 { _ = buffer.apply(.selectLeft, width: 80) }
        let elapsed = threadCPUTime { for _ in 0..<20 { _ = buffer.adjustWeight(up: true) } }
        #expect(buffer.text.hasSuffix("(red hat:3.0)"), "\(buffer.text.suffix(40))")
        #expect(elapsed < .seconds(2), "20 keys in a megabyte took \(elapsed)")
    }

    // MARK: The keys

    @Test func ctrlShiftArrowsSelectByWord() {
        var state = Self.editing("a red hat")
        press(&state, .ctrlShiftLeft)
        #expect(Self.selectedText(state) == "hat")
        press(&state, .ctrlShiftLeft)
        #expect(Self.selectedText(state) == "red hat")
        press(&state, .ctrlShiftRight)
        #expect(Self.selectedText(state) == " hat", "back the other way, to the word's end, from where the selection began")
        press(&state, .ctrlUp)
        #expect(Self.buffer(state)?.text == "a red (hat:1.1)")
        press(&state, .home, .ctrlShiftRight)
        #expect(Self.selectedText(state) == "a")
        // As xterm sends them (CSI 1;6 D/C), where terminfo has no kLFT6/kRIT6.
        var decoder = InputDecoder(functionKey: CursesTerminal.functionKey)
        let byWord = InputDecoder.shiftSequences.filter { $0.key == .ctrlShiftLeft || $0.key == .ctrlShiftRight }
        var codes = byWord.map(\.code)
        #expect(decoder.decode { codes.isEmpty ? nil : codes.removeFirst() } == [.key(.ctrlShiftLeft), .key(.ctrlShiftRight)])
        #expect(byWord.map(\.sequence) == ["\u{1B}[1;6D", "\u{1B}[1;6C"])
        #expect(Key.named("Ctrl-Shift-←") == .ctrlShiftLeft && Key.named("ctrl-shift-right") == .ctrlShiftRight)
    }

    @Test func theEditingFooterSaysHowToQuitWhereItFits() {
        var state = Self.editing("a red hat")
        state.view.size = Size(width: 80, height: 24)
        let footer = Screen.render(state).line(23)
        #expect(footer.contains("F10 quit") && footer.contains("Enter done") && footer.contains("Esc cancel") && footer.contains("F5 send"), "\(footer)")
        press(&state, .function(10))
        let asked: Bool
        if case .confirm(.quit)? = state.view.overlay { asked = true } else { asked = false }
        #expect(state.view.editing == nil && (asked || state.quitting), "and F10 does quit from the edit")
    }

    /// `<lora:` typed before the LoRA list has been read (right after start, on a slow link):
    /// the names open as the list arrives, not at the next key.
    @Test func theNamesOpenWhenTheListArrivesAfterTheTagWasTyped() throws {
        var state = Self.editing("a cat, <lora:")
        #expect(state.view.editing?.completion == nil, "no list yet: nothing to offer")
        let loras = [ModelItem(name: "add_detail"), ModelItem(name: "more_details")]
        _ = Reducer.reduce(&state, .modelListRead(.lora, path: "/p", .success(ModelListPickerTests.list(.lora, loras))))
        let completion = try #require(state.view.editing?.completion)
        #expect(completion.names == ["add_detail", "more_details"])
        #expect(state.view.editing?.buffer.text == "a cat, <lora:", "the text is as typed")
    }

    @Test func theOfferedNamesHaveABottomEdgeAndTheMoreMarkStaysInside() throws {
        var state = ModelListPickerTests.loaded()
        let many = (1...12).map { ModelItem(name: "style_\($0)") }
        _ = Reducer.reduce(&state, .modelListsCached([.lora: ModelListPickerTests.list(.lora, many)], now: ModelListPickerTests.fetched + 60))
        state = Self.editing("a, <lora:sty", state: state)
        let completion = try #require(state.view.editing?.completion)
        let rows = completion.shownRange.count
        #expect(rows < completion.names.count, "more names than rows")
        let grid = Screen.render(state)
        let cursor = try #require(grid.cursor)
        let first = grid.line(cursor.y + 1)
        let left = try #require(first.firstIndex(of: "│"))
        let right = try #require(first[first.index(after: left)...].firstIndex(of: "│"))
        #expect(first.contains("style_1"))
        let edge = grid.line(cursor.y + 1 + rows)
        let x0 = first.distance(from: first.startIndex, to: left), x1 = first.distance(from: first.startIndex, to: right)
        let bottom = String(Array(edge)[x0...x1])
        #expect(bottom.hasPrefix("└─") && bottom.hasSuffix("↓┘"), "\(bottom)")
        for offset in 1...rows { #expect(Array(grid.line(cursor.y + offset))[x1] == "│", "the right bar whole on row \(offset)") }
    }

    @Test func shiftArrowsHomeAndEndAreDecodedWhereTerminfoDoesNotNameThem() {
        var decoder = InputDecoder(functionKey: CursesTerminal.functionKey)
        var codes = InputDecoder.shiftSequences.map(\.code)
        let inputs = decoder.decode { codes.isEmpty ? nil : codes.removeFirst() }
        #expect(inputs == [.key(.shiftLeft), .key(.shiftRight), .key(.shiftHome), .key(.shiftEnd), .key(.ctrlShiftLeft), .key(.ctrlShiftRight),
                           .key(.ctrlHome), .key(.ctrlEnd), .key(.home), .key(.end), .key(.home), .key(.end), .key(.home), .key(.end),
                           .key(.home), .key(.end)])
        #expect(InputDecoder.shiftSequences.map(\.sequence) == ["\u{1B}[1;2D", "\u{1B}[1;2C", "\u{1B}[1;2H", "\u{1B}[1;2F", "\u{1B}[1;6D", "\u{1B}[1;6C",
                                                                "\u{1B}[1;5H", "\u{1B}[1;5F", "\u{1B}[1~", "\u{1B}[4~", "\u{1B}[7~", "\u{1B}[8~",
                                                                "\u{1B}[H", "\u{1B}[F", "\u{1B}OH", "\u{1B}OF"])
        #expect(Key.named("Shift-Home") == .shiftHome && Key.named("shift-end") == .shiftEnd)
        #expect(Key.named("Ctrl-Home") == .ctrlHome && Key.named("ctrl-end") == .ctrlEnd)
    }

    // MARK: The prompt in the form, not being edited

    @Test func theFormColoursThePromptsSyntaxWhenItIsNotEdited() throws {
        var state = ModelListPickerTests.loaded()
        state.view.size = Size(width: 220, height: 40)
        state.request["prompt"] = .string("(cat:1.2) <lora:ab:1> [dog], EasyNegative (open")
        let grid = Screen.render(state)
        let y = try #require((0..<grid.size.height).first { grid.line($0).contains("(cat:1.2)") })
        let row = Array(grid.line(y))
        let x = try #require(row.firstIndex(of: "("))
        func style(_ offset: Int) -> Style { grid[x + offset, y].style }
        #expect(style(0) == .attention && style(4) == .attention && style(8) == .attention, "brackets and :1.2")
        #expect(style(1) == .value, "the words as any value")
        #expect((10..<21).allSatisfy { style($0) == .network }, "<lora:ab:1>")
        #expect(style(22) == .attention && style(26) == .attention, "[dog]")
        #expect((29..<41).allSatisfy { style($0) == .network }, "the embedding")
        #expect(style(42) == .unbalanced, "the ( nothing closes")
    }

    @Test func anOpenBracketBelowTheLinesShownFlagsTheEllipsis() throws {
        var state = makeState()
        state.request["prompt"] = .string(String(repeating: "word ", count: 200) + "(open")
        let grid = Screen.render(state)
        let y = try #require((0..<grid.size.height).first { grid.line($0).contains("word") && grid.line($0).contains("…") })
        let x = try #require(Array(grid.line(y)).firstIndex(of: "…"))
        #expect(grid[x, y].style == .unbalanced)
        state.request["prompt"] = .string(String(repeating: "word ", count: 200) + "(closed)")
        let fine = Screen.render(state)
        #expect(fine[x, y].style == .value)
    }

    @Test func aMegabytePromptInTheFormIsColouredFromWhatIsShown() {
        var state = makeState()
        state.request["prompt"] = .string("(a:1.1) " + String(repeating: "masterpiece, ", count: 80_000))
        let elapsed = threadCPUTime { for _ in 0..<20 { _ = Screen.render(state) } }
        #expect(elapsed < .seconds(3), "20 frames took \(elapsed)")
    }

    // MARK: The names offered while typing

    @Test func typingLoraOpensTheListWhichNarrowsAndTabTakesIt() throws {
        var state = Self.editing("a girl, <lora:", state: ModelListPickerTests.loaded())
        var completion = try #require(state.view.editing?.completion)
        #expect(completion.kind == .lora && completion.names == ["add_detail", "film_grain_sdxl"])
        type(&state, "fi")
        completion = try #require(state.view.editing?.completion)
        #expect(completion.names == ["film_grain_sdxl"], "narrows as the name grows")
        press(&state, .tab)
        #expect(Self.buffer(state)?.text == "a girl, <lora:film_grain_sdxl:1>")
        #expect(state.view.editing?.completion == nil)
        press(&state, .ctrlUp, .enter)
        #expect(state.request.prompt == "a girl, <lora:film_grain_sdxl:1.1>")
    }

    @Test func theListIsDrawnUnderTheCursor() throws {
        let state = Self.editing("a girl, <lora:", state: ModelListPickerTests.loaded())
        let grid = Screen.render(state)
        let cursor = try #require(grid.cursor)
        #expect(grid.line(cursor.y + 1).contains("add_detail") && grid.line(cursor.y + 2).contains("film_grain_sdxl"))
        let line = grid.line(cursor.y + 1)
        let x = try #require(line.range(of: "add_detail").map { line.distance(from: line.startIndex, to: $0.lowerBound) })
        #expect(grid[x, cursor.y + 1].style == .overlay && grid[x - 1, cursor.y + 1].style == .border)
        var moved = state
        press(&moved, .down, .down)
        let highlighted = Screen.render(moved)
        #expect(highlighted[x, cursor.y + 2].style == .selection && highlighted[x, cursor.y + 1].style == .overlay, "the second name highlighted")
        #expect(Screen.render(Self.editing("a girl, ", state: ModelListPickerTests.loaded())).line(cursor.y + 1).contains("add_detail") == false)
    }

    @Test func aWordAnEmbeddingStartsWithOffersItAndTypingGoesOnUndisturbed() throws {
        var state = Self.editing("lowres, Ea", state: ModelListPickerTests.loaded())
        #expect(state.view.editing?.completion?.names == ["EasyNegative"])
        type(&state, "ster egg")
        #expect(state.view.editing?.completion == nil, "nothing fits: the list is gone")
        #expect(Self.buffer(state)?.text == "lowres, Easter egg", "every key went into the text")
        type(&state, ", bad")
        press(&state, .tab)
        #expect(Self.buffer(state)?.text == "lowres, Easter egg, badhandv4")
        #expect(state.view.editing?.completion == nil)
        // One letter offers nothing (half the list would fit it).
        type(&state, ", b")
        #expect(state.view.editing?.completion == nil)
    }

    @Test func enterEndsTheEditUnlessANameIsHighlighted() throws {
        var state = Self.editing("lowres, easy", state: ModelListPickerTests.loaded())
        #expect(state.view.editing?.completion != nil)
        press(&state, .enter)
        #expect(state.view.editing == nil && state.request.prompt == "lowres, easy", "a plain Enter is never the list's")
        state = Self.editing("a, <lora:", state: ModelListPickerTests.loaded())
        press(&state, .down, .down)
        #expect(state.view.editing?.completion?.chosen == 1)
        press(&state, .up)
        #expect(state.view.editing?.completion?.chosen == 0)
        press(&state, .enter)
        #expect(Self.buffer(state)?.text == "a, <lora:add_detail:1>", "Enter takes the highlighted name")
        press(&state, .enter)
        #expect(state.request.prompt == "a, <lora:add_detail:1>")
    }

    @Test func escClosesTheListForThisNameAndAMoveClosesIt() throws {
        var state = Self.editing("a, <lora:ad", state: ModelListPickerTests.loaded())
        press(&state, .escape)
        #expect(state.view.editing != nil && state.view.editing?.completion == nil, "Esc closes the list, the edit stays")
        type(&state, "d")
        #expect(state.view.editing?.completion == nil, "not offered again for the same name")
        type(&state, ">, <lora:")
        #expect(state.view.editing?.completion != nil, "a new name is offered again")
        press(&state, .left)
        #expect(state.view.editing?.completion == nil, "a move closes it")
        press(&state, .escape)
        #expect(state.view.editing == nil, "with no list, Esc cancels the edit")
    }

    @Test func theListLooksBackABoundedStretchInAMegabyte() throws {
        let big = String(repeating: "masterpiece, best quality, ", count: 40_000)
        var state = ModelListPickerTests.loaded()
        state.request["prompt"] = .string(big)
        focus(&state, .prompt)
        press(&state, .enter)
        type(&state, "<lora:ad")
        #expect(state.view.editing?.completion?.names == ["add_detail"])
        #expect(state.view.editing?.completion?.start == big.count, "where the name starts, in the whole text")
        // What the list reads is the stretch before the cursor, at most networkLimit characters.
        let buffer = try #require(Self.buffer(state))
        var found: PromptCompletion?
        let elapsed = threadCPUTime {
            for _ in 0..<100 {
                found = PromptCompletion.find(before: buffer.charactersBeforeCursor(limit: PromptAttention.networkLimit), cursor: buffer.cursor,
                                              loras: state.modelLists[.lora].names, embeddings: state.modelLists[.embedding].names)
            }
        }
        #expect(found?.names == ["add_detail"])
        #expect(elapsed < .seconds(2), "100 looks in a megabyte took \(elapsed)")
    }

    @Test func theKeyTableGivesTheListItsKeysOnlyWhileItIsOpen() {
        var state = Self.editing("a, <lora:", state: ModelListPickerTests.loaded())
        #expect(Reducer.keyContext(state).scopes.first == .completion)
        func footer() -> [String] { Screen.footerItems(state).map { "\($0.key) \($0.word)" } }
        #expect(footer().starts(with: ["Tab take name", "Esc close list", "Enter done"]) && !footer().contains("Esc cancel"), "\(footer())")
        press(&state, .down)
        #expect(Reducer.keyContext(state).scopes.prefix(2) == [.completionChosen, .completion])
        // Enter and Tab both take the highlighted name: one hint with both keys (leftovers24).
        #expect(footer().first == "Enter/Tab take name" && !footer().contains("Enter done"), "\(footer())")
        press(&state, .escape)
        #expect(!Reducer.keyContext(state).scopes.contains(.completion))
    }
}
