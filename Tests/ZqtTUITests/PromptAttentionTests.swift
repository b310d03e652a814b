import Model
import Testing
@testable import ZqtTUI

/// AUTOMATIC1111's prompt editing (issue 19): Ctrl-↑/↓ weigh the word or
/// group at the cursor, the attention syntax is highlighted in the field
/// being typed, brackets without a partner are marked and said, and the
/// LoRA picker's tag can be weighed the same way.
@Suite struct PromptAttentionTests {
    // MARK: The syntax (prompt_parser.py's reading)

    static func kinds(_ text: String) -> [String] {
        let characters = Array(text)
        return PromptAttention.spans(characters).map { span in
            "\(span.kind):" + String(characters[span.range])
        }
    }

    @Test func weightsBracketsAndNetworksAreFound() {
        #expect(Self.kinds("a (cat:1.2), [dog] <lora:add_detail:0.8>") == [
            "bracket:(", "weight::1.2", "bracket:)", "bracket:[", "bracket:]", "network:<lora:add_detail:0.8>",
        ])
    }

    @Test func nestedGroupsPairInnermostFirstAndRoundAndSquareAreSeparate() {
        #expect(Self.kinds("((a:1.3) b)") == ["bracket:(", "bracket:(", "weight::1.3", "bracket:)", "bracket:)"])
        // As prompt_parser.py: round and square brackets have a stack each.
        #expect(!Self.kinds("( [ ) ]").contains { $0.hasPrefix("unbalanced") })
    }

    @Test func escapedBracketsAreText() {
        #expect(Self.kinds(#"a \(b\) \[c\] \\"#) == [])
        #expect(Self.kinds(#"(\)"#) == ["unbalanced:("])
    }

    @Test func bracketsWithoutPartnersAreMarked() {
        #expect(Self.kinds("a (b, c) d) [e") == ["bracket:(", "bracket:)", "unbalanced:)", "unbalanced:["])
        #expect(PromptAttention.unbalancedCount("a (b, c) d) [e") == 2)
        #expect(PromptAttention.unbalancedCount("(a:1.1) [b] <lora:x:1>") == 0)
        // In a window that does not start the text, a closer may have its opener before it: not marked.
        #expect(PromptAttention.spans(Array("b) c"), base: 10, atStart: false, atEnd: true)
            == [PromptAttention.Span(range: 11..<12, kind: .bracket)])
    }

    /// The count an edit's end gives reads the String where it lies (issue 18: an array of a
    /// megabyte prompt's characters was a 16.8 MB peak); it must find what the on-screen marks find.
    @Test func unbalancedCountReadsTheTextInPlaceAndAgreesWithTheMarks() {
        let texts = ["a (b, c) d) [e", "(a:1.1) [b] <lora:x:1>", "\\(a) \\\\(b", "(e\u{301}:1.2) [👩‍👩‍👧] )",
                     "<lora:a\r\nb:1> (x", "(a: 1.5 ) ]", "((a:1e9)", "<lora:" + String(repeating: "x", count: 300) + ":1>)",
                     "(a:" + String(repeating: " ", count: 40) + "2)", "\\", "[", ":1)", ""]
        for text in texts {
            let marked = PromptAttention.spans(Array(text)).filter { $0.kind == .unbalanced }.count
            #expect(PromptAttention.unbalancedCount(text) == marked, "\(text.debugDescription)")
        }
        let prompt = String(repeating: "a lighthouse (on a cliff:1.2) at [dusk], ", count: 25_000) + "(open"
        #expect(PromptAttention.unbalancedCount(prompt) == 1)
    }

    @Test func hostileInputNeitherTrapsNorRunsLong() {
        let long = String(repeating: "(", count: 20_000) + String(repeating: "[", count: 20_000) + "<lora:" + String(repeating: "x", count: 5000)
        #expect(PromptAttention.unbalancedCount(long) == 40_000)
        #expect(Self.kinds("(a:99999999999999999999999999)").contains("weight::99999999999999999999999999"))
        var buffer = TextBuffer("(a:99999999999999999999999999)")
        buffer.moveToStart(); buffer.moveRight(); buffer.moveRight()
        _ = buffer.adjustWeight(up: true)  // a weight too large to step: taken as no weight, never a trap
        for text in ["(:)", "(a:.)", "(a:-)", "<:1>", "<lora:>", "\\", "(", ")", ":1)", "(a:1e9)", "(a:nan)"] {
            _ = PromptAttention.spans(Array(text))
            for cursor in 0...text.count {
                var buffer = TextBuffer(text)
                buffer.moveToStart()
                for _ in 0..<cursor { buffer.moveRight() }
                _ = buffer.adjustWeight(up: true)
                _ = buffer.adjustWeight(up: false)
            }
        }
    }

    @Test func nestedGroupsWithoutWeightsAreReadOnceEach() {
        // 500 unweighted groups around the word: the weighed group is found by reading each character once.
        let text = String(repeating: "(", count: 500) + "cat" + String(repeating: ")", count: 500)
        var result = ("", 0)
        let elapsed = threadCPUTime { result = Self.weigh(text, cursorAfter: "(c", [true]) }
        #expect(result.0 == String(repeating: "(", count: 500) + "(cat:1.1)" + String(repeating: ")", count: 500))
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        #expect(Self.weigh("((a) b:1.3)", cursorAfter: "((a", [true]).0 == "((a) b:1.4)", "the weighted group outside an unweighted one")
    }

    // MARK: Ctrl-↑/↓ on the buffer

    static func weigh(_ text: String, cursorAfter marker: String, _ ups: [Bool]) -> (String, Int) {
        var buffer = TextBuffer(text)
        buffer.moveToStart()
        let offset = text.range(of: marker).map { text.distance(from: text.startIndex, to: $0.upperBound) } ?? 0
        for _ in 0..<offset { buffer.moveRight() }
        for up in ups { _ = buffer.adjustWeight(up: up) }
        return (buffer.text, buffer.cursor)
    }

    @Test func aWordGoesUpInTenthsAndBackToPlainAtOne() {
        #expect(Self.weigh("a cat, dog", cursorAfter: "a c", [true]).0 == "a (cat:1.1), dog")
        #expect(Self.weigh("a cat, dog", cursorAfter: "a c", [true, true]).0 == "a (cat:1.2), dog")
        #expect(Self.weigh("a cat, dog", cursorAfter: "a c", [true, true, false, false]).0 == "a cat, dog")
        #expect(Self.weigh("a cat, dog", cursorAfter: "a c", [false]).0 == "a (cat:0.9), dog")
        #expect(Self.weigh("a cat, dog", cursorAfter: "a c", [false, true]) == ("a cat, dog", 5), "the word stays selected, the cursor at its end")
        // The cursor at the end of a word weighs that word; tags with _ and - are one word.
        #expect(Self.weigh("blue_hair", cursorAfter: "blue_hair", [true]).0 == "(blue_hair:1.1)")
    }

    @Test func afterCtrlUpTheWordStaysSelectedAndATagsCursorIsAfterTheTag() {
        // A1111 leaves the weighed words selected: the next letter replaces them, never lands inside the weight.
        var state = PromptEditingTests.editing("cat")
        press(&state, .ctrlUp)
        #expect(PromptEditingTests.selectedText(state) == "cat")
        type(&state, "X")
        #expect(PromptEditingTests.buffer(state)?.text == "(X:1.1)")
        state = PromptEditingTests.editing("a (red hat:1.2)")
        press(&state, .left, .left, .left, .left, .left, .ctrlDown)
        #expect(PromptEditingTests.buffer(state)?.text == "a (red hat:1.1)" && PromptEditingTests.selectedText(state) == "red hat")
        press(&state, .ctrlDown)
        #expect(PromptEditingTests.buffer(state)?.text == "a red hat" && PromptEditingTests.selectedText(state) == "red hat", "at 1.0 the words stay selected")
        // A tag: the cursor goes after it, never between the digits of its weight.
        state = PromptEditingTests.editing("dog <lora:LowRA:1> z")
        press(&state, .left, .left, .left)
        press(&state, .ctrlUp)
        #expect(PromptEditingTests.buffer(state)?.text == "dog <lora:LowRA:1.1> z")
        type(&state, "Q")
        #expect(PromptEditingTests.buffer(state)?.text == "dog <lora:LowRA:1.1>Q z")
        #expect(Self.weigh("<lora:x>", cursorAfter: "<lora:x", [true]) == ("<lora:x:1.1>", 12))
        #expect(Self.weigh("<lora:x:1.9> b", cursorAfter: "<lora:", [true, false, true]) == ("<lora:x:2.0> b", 12), "again and again from after the tag")
    }

    @Test func aGroupsWeightIsSteppedAndWrittenAsA1111WritesIt() {
        #expect(Self.weigh("(red hat:1.25), x", cursorAfter: "(red", [true]).0 == "(red hat:1.4), x")
        #expect(Self.weigh("(red hat:0.1)", cursorAfter: "(red", [false, false]).0 == "(red hat:-0.1)")
        #expect(Self.weigh("((a:1.5) b:1.1)", cursorAfter: "((a", [true]).0 == "((a:1.6) b:1.1)", "the innermost group")
        #expect(Self.weigh("((a:1.5) b:1.1)", cursorAfter: ") b", [false]).0 == "(a:1.5) b", "the outer group, back at 1.0")
        #expect(Self.weigh("<lora:add_detail:1>", cursorAfter: "<lora:add", [true]).0 == "<lora:add_detail:1.1>")
        #expect(Self.weigh("<lora:add_detail:0.8>", cursorAfter: "<lora:add", [false]).0 == "<lora:add_detail:0.7>")
        #expect(Self.weigh("a, , b", cursorAfter: "a, ", [true]).0 == "a, , b", "nothing to weigh between commas")
    }

    @Test func aKeyInAMegabyteReadsOnlyAroundTheCursor() {
        let big = String(repeating: "masterpiece, best quality, ", count: 40_000)
        var buffer = TextBuffer(big + "cat")
        buffer.keepLayout(width: 80)
        let elapsed = threadCPUTime { for _ in 0..<20 { _ = buffer.adjustWeight(up: true) } }
        #expect(buffer.text.hasSuffix("(cat:3.0)"))
        #expect(elapsed < .seconds(2), "20 keys in a megabyte took \(elapsed)")
    }

    // MARK: On the screen

    @Test func ctrlUpAndDownWeighTheWordBeingTypedAndTheRequestFollows() throws {
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, "a girl, red hat")
        press(&state, .ctrlUp, .ctrlUp)
        #expect(state.view.editing?.buffer.text == "a girl, red (hat:1.2)")
        press(&state, .ctrlDown)
        press(&state, .enter)
        #expect(state.request.prompt == "a girl, red (hat:1.1)")
        // Focused on the prompt without typing: the edit starts at the end, on the last word.
        press(&state, .ctrlDown)
        #expect(state.view.editing?.buffer.text == "a girl, red hat")
    }

    @Test func theSyntaxIsHighlightedInTheFieldAndAnOpenBracketIsMarked() throws {
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, "(cat:1.2) <lora:ab:1> [dog")
        let grid = Screen.render(state)
        let y = try #require((0..<grid.size.height).first { grid.line($0).contains("(cat:1.2)") })
        let row = Array(grid.line(y))
        let x = try #require(row.firstIndex(of: "("))
        func style(_ offset: Int) -> Style { grid[x + offset, y].style }
        #expect(style(0) == .attention && style(4) == .attention && style(8) == .attention, "brackets and :1.2")
        #expect(style(1) == .editing, "the words in between as typed")
        #expect((10..<21).allSatisfy { style($0) == .network }, "<lora:ab:1>")
        #expect(style(22) == .unbalanced, "the [ that nothing closes")
        #expect(style(23) == .editing)
        press(&state, .enter)
        #expect(state.status?.text == Wording.unbalancedBrackets("Prompt", count: 1))
        #expect(state.status?.kind == .error)
    }

    @Test func anEmbeddingFromTheListIsMarkedWhereThePromptNamesIt() throws {
        var state = ModelListPickerTests.loaded()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, "cat, EasyNegative, EasyNegatives")
        let grid = Screen.render(state)
        let y = try #require((0..<grid.size.height).first { grid.line($0).contains("cat, EasyNegative") })
        let row = Array(grid.line(y))
        let x = try #require(row.firstIndex(of: "E"))
        #expect((0..<12).allSatisfy { grid[x + $0, y].style == .network }, "the embedding's name")
        #expect((14..<27).allSatisfy { grid[x + $0, y].style == .editing }, "a longer word is not it")
    }

    @Test func aBalancedPromptEndsItsEditWithoutANote() {
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, "(cat:1.2) [dog] \\(plain")
        press(&state, .enter)
        #expect(state.status?.text != Wording.unbalancedBrackets("Prompt", count: 1))
        #expect(state.drafts[.prompt] == nil && state.request.prompt == "(cat:1.2) [dog] \\(plain")
    }

    @Test func theLoRAPickersTagGoesInAtTheCursorAndCtrlUpWeighsIt() throws {
        var state = ModelListPickerTests.loaded()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, "a girl, ")
        press(&state, .ctrl("t"))
        type(&state, "detail")
        press(&state, .enter)
        #expect(state.view.editing?.buffer.text == "a girl, <lora:add_detail:1>")
        press(&state, .left, .left)
        press(&state, .ctrlUp)
        press(&state, .enter)
        #expect(state.request.prompt == "a girl, <lora:add_detail:1.1>")
    }

    // MARK: Completing names from the model lists

    @Test func theNameBeingTypedIsFound() {
        #expect(PromptAttention.partialName(before: Array("a, <lora:add_de")) == .init(length: 12, typed: "add_de", tag: true))
        #expect(PromptAttention.partialName(before: Array("a, <lora:")) == .init(length: 6, typed: "", tag: true))
        #expect(PromptAttention.partialName(before: Array("lowres, easyn")) == .init(length: 5, typed: "easyn", tag: false))
        #expect(PromptAttention.partialName(before: Array("lowres, ")) == nil)
        #expect(PromptAttention.partialName(before: Array("<lora:x:1> b")) == .init(length: 1, typed: "b", tag: false))
    }

    @Test func ctrlTAfterAPartialTagCompletesItFromTheLoRAList() throws {
        var state = ModelListPickerTests.loaded()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, "a girl, <lora:add_de")
        press(&state, .ctrl("t"))
        let picker = try #require(ModelListPickerTests.picker(state))
        #expect(picker.filter.text == "add_de", "the name typed so far filters the list")
        press(&state, .enter)
        #expect(state.view.editing?.buffer.text == "a girl, <lora:add_detail:1>")
        press(&state, .enter)
        #expect(state.request.prompt == "a girl, <lora:add_detail:1>")
    }

    @Test func ctrlTAfterAPlainWordListsEveryLoRAAndKeepsTheWord() throws {
        // `a cat` is the prompt's own word, not a LoRA's name being typed: the picker is not filtered by it, nothing eats it.
        var state = ModelListPickerTests.loaded()
        state.request["prompt"] = .string("a cat")
        focus(&state, .prompt)
        press(&state, .ctrl("t"))
        let picker = try #require(ModelListPickerTests.picker(state))
        #expect(picker.filter.text == "" && picker.options.count == state.modelLists[.lora].names.count && picker.options.count > 1)
        let rows = (0..<state.view.size.height).map(Screen.render(state).line)
        #expect(!rows.contains { $0.contains("no match") } && rows.contains { $0.contains("add_detail") })
        type(&state, "detail")
        press(&state, .enter, .enter)
        #expect(state.request.prompt == "a cat <lora:add_detail:1>", "the word stays, the tag follows it after a space")
        // A typed name that is no LoRA in the list is still used as typed.
        state.request["prompt"] = .string("a cat")
        press(&state, .ctrl("t"))
        type(&state, "mine")
        press(&state, .enter, .enter)
        #expect(state.request.prompt == "a cat <lora:mine:1>")
    }

    @Test func ctrlGAfterAPartialWordCompletesItFromTheEmbeddingList() throws {
        var state = ModelListPickerTests.loaded()
        let negative = FieldID("negative_prompt")
        state.request["negative_prompt"] = .string("lowres, easyn")
        focus(&state, negative)
        press(&state, .ctrl("g"))
        #expect(ModelListPickerTests.picker(state)?.filter.text == "easyn")
        press(&state, .enter, .enter)
        #expect(state.request["negative_prompt"]?.stringValue == "lowres, EasyNegative")
    }

    // MARK: Keys

    @Test func ctrlUpAndDownAreDecodedWhereTerminfoDoesNotNameThem() {
        var decoder = InputDecoder(functionKey: CursesTerminal.functionKey)
        var codes: [Int32] = [CursesTerminal.ctrlUpCode, CursesTerminal.ctrlDownCode]
        let inputs = decoder.decode { codes.isEmpty ? nil : codes.removeFirst() }
        #expect(inputs == [.key(.ctrlUp), .key(.ctrlDown)])
        #expect(Key.named("Ctrl-↑") == .ctrlUp && Key.named("ctrl-down") == .ctrlDown)
    }
}
