import Foundation
import Model
import Testing
@testable import ZqtTUI

/// The screens a user sees, compared with reviewed golden text files in
/// Tests/ZqtTUITests/Screens. ZQT_WRITE_GOLDENS=1 writes missing or changed
/// files instead of failing; review every such change before committing.
@Suite struct ScreenGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Screens")

    func check(_ state: AppState, _ name: String) throws {
        let text = Screen.render(state).text + "\n"
        let file = Self.folder.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["ZQT_WRITE_GOLDENS"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
            // Written, not compared: a rewritten golden is read and reviewed before it counts.
            Issue.record("wrote golden \(name): review it, then run the tests again")
            return
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(text == golden, "screen \(name) differs from its golden file")
    }

    static func filledState(width: Int, height: Int) throws -> AppState {
        var state = makeState(width: width, height: height)
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request["prompt"] = .string("一个女孩在雨中, masterpiece, best quality, kneeling down, from below, crying, ghost")
        var canny = ControlNetUnit(controlType: ControlNetCatalog.controlType(named: "canny")!)
        canny.imageLink = "https://example.com/edges.png"
        canny.weight = 0.85
        request.controlNetUnits!.append(canny)
        state.request = request
        return state
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func emptyForm(width: Int, height: Int) throws {
        try check(makeState(width: width, height: height), "empty-\(width)x\(height)")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func filledFormWithTwoUnits(width: Int, height: Int) throws {
        var state = try Self.filledState(width: width, height: height)
        focus(&state, .unitRow(1))
        try check(state, "filled-two-units-\(width)x\(height)")
    }

    /// The tool family's form (issue 7): Flux, reached with F7, its prompt filled.
    /// Its task id is `businessTaskId` at the top level, fixed here for the golden file.
    static func fluxState(width: Int, height: Int) -> AppState {
        var state = makeState(width: width, height: height)
        press(&state, .function(7))
        type(&state, "flux")
        press(&state, .enter)
        state.request.taskID = "zqt-20261124-120000-000-flux"
        press(&state, .down, .enter)
        type(&state, "a lighthouse on a cliff at dusk, 灯塔, volumetric light")
        press(&state, .enter)
        return state
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func toolFormFilled(width: Int, height: Int) throws {
        let state = Self.fluxState(width: width, height: height)
        #expect(state.endpoint.title == "Flux text2image")
        try check(state, "flux-filled-\(width)x\(height)")
    }

    /// The training form (§3.1), fresh from F7: its sections, labels and ranges, the documented defaults.
    @Test func trainingForm() throws {
        var state = makeState(width: 120, height: 40)
        press(&state, .function(7))
        type(&state, "training")
        press(&state, .enter)
        state.request.taskID = "zqt-20261125-120000-000-trai"
        #expect(state.endpoint.title == "Training")
        try check(state, "training-form-120x40")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func unitSubForm(width: Int, height: Int) throws {
        var state = try Self.filledState(width: width, height: height)
        focus(&state, .unit(1, .weight))
        try check(state, "unit-form-\(width)x\(height)")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func validationError(width: Int, height: Int) throws {
        var state = makeState(width: width, height: height)
        focus(&state, .steps)
        type(&state, "500")
        press(&state, .enter, .function(5))
        try check(state, "validation-error-\(width)x\(height)")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func helpOverlay(width: Int, height: Int) throws {
        var state = makeState(width: width, height: height)
        press(&state, .char("?"))
        try check(state, "help-\(width)x\(height)")
    }

    @Test func previewWhenNarrow() throws {
        var state = try Self.filledState(width: 80, height: 24)
        focus(&state, .cfgScale)
        press(&state, .function(3))
        try check(state, "preview-80x24")
    }

    @Test(arguments: [(79, 24), (120, 20), (40, 10)])
    func tooSmall(width: Int, height: Int) throws {
        try check(makeState(width: width, height: height), "too-small-\(width)x\(height)")
    }

    @Test func editingShowsTheCursorAfterWideCharacters() {
        var state = makeState()
        press(&state, .enter)
        type(&state, "一个女孩")
        let grid = Screen.render(state)
        let cursor = grid.cursor
        // Value column starts at 22; four wide characters take eight cells.
        #expect(cursor?.x == 30 && cursor?.y == 2)
    }

    @Test func thePreviewShowsExactlyTheWireJSON() throws {
        // At a size where nothing wraps or scrolls, the preview's lines are the wire text.
        var state = makeState(width: 110, height: 70)
        state.request["prompt"] = .string("a cat")
        press(&state, .function(3))
        let grid = Screen.render(state)
        let lines = (2..<(70 - 2)).map { grid.line($0).dropFirst().replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        let shown = lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
        #expect(shown == state.request.wireJSON.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
    }
}
