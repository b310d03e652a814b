// A second repeated group needs only catalog data (issue 16): an endpoint
// of the user's catalog file with a list of {name, weight} LoRA entries and
// a list of styles with a preset, edited through the reducer as a user
// would, down to the JSON on the wire.

import Foundation
import TestScratch
import Model
import Testing
@testable import ZqtTUI

@Suite struct UserGroupTests {
    static let catalog = """
        {"endpoints": [
          {"id": "tool/loraDemo", "title": "LoRA demo", "family": "tool",
           "fields": [
             {"path": "businessTaskId", "kind": "text", "role": "task_id", "required": true, "default": ""},
             {"path": "prompt", "label": "Prompt", "kind": "multiline", "role": "prompt", "default": "a cat"},
             {"path": "extras.loras", "label": "LoRAs", "kind": "group", "group": "lora", "section": "LoRAs", "default": [],
              "item": {"title": "LoRA", "row": "LoRA", "summary": "{name} · weight {weight}",
                       "fields": [{"path": "name", "label": "Name", "kind": "text", "default": ""},
                                  {"path": "weight", "label": "Weight", "kind": "slider", "min": 0, "max": 2, "step": 0.1, "default": 1}],
                       "rules": [{"rule": "needs_value", "field": "name", "message": "LoRA {n} needs a name"}]}},
             {"path": "styles", "label": "Styles", "kind": "group", "group": "style", "default": [],
              "item": {"title": "style", "row": "Style", "summary": "{@type|own} at {strength}",
                       "fields": [{"path": "on", "label": "On", "kind": "toggle", "default": true, "role": "item_switch"},
                                  {"path": "style", "label": "Style name", "kind": "text"},
                                  {"path": "strength", "label": "Strength", "kind": "number", "default": 0.5},
                                  {"path": "floor", "label": "Floor", "kind": "number", "default": 0}],
                       "presets": {"label": "Look", "by": "style",
                                   "items": [{"name": "ink", "values": {"style": "ink-wash", "strength": 0.8}},
                                             {"name": "neon", "aliases": ["Neon glow"], "values": {"style": "neon", "strength": 0.3}}]},
                       "rules": [{"rule": "not_below", "field": "strength", "other": "floor"}]}}
           ]}
        ]}
        """

    /// The endpoint the catalog above adds; its file is gone once this returns.
    static func endpoint() throws -> Endpoint {
        let scratch = Scratch()
        let folder = scratch.path("zqt-usergroup")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/endpoints.json"
        _ = FileManager.default.createFile(atPath: file, contents: Data(catalog.utf8))
        let user = UserCatalog.load(file: file)
        #expect(user.problem == nil, "\(String(describing: user.problem))")
        return try #require(user.endpoints.first)
    }

    static func state() throws -> AppState {
        var state = makeState()
        Reducer.show(&state, Request.new(for: try endpoint(), taskID: "t-1"))
        return state
    }

    @Test func aLoRAListIsAddedEditedAndSent() throws {
        var state = try Self.state()
        let loras = "extras.loras"
        #expect(state.fields.contains { $0.id == .addItem(loras) && $0.label == "+ Add a LoRA…" })
        focus(&state, .addItem(loras))
        press(&state, .enter)
        // No presets: the item is added with its defaults and its form opens.
        #expect(state.view.openItem == ItemRef(group: loras, index: 0))
        #expect(state.view.focus == .item(loras, 0, "name"))
        #expect(state.status?.text == "Added a lora: fill it in, then Esc to go back")
        press(&state, .enter)
        type(&state, "add_detail")
        press(&state, .enter)
        focus(&state, .item(loras, 0, "weight"))
        press(&state, .left, .left, .left)
        #expect(state.request.wireValue.value(at: loras) == .array([.object([("name", .string("add_detail")), ("weight", .double(0.7))])]))
        #expect(state.request.wireJSON.contains("""
            "extras": {
                "loras": [
                  {
                    "name": "add_detail",
                    "weight": 0.7
                  }
                ]
              }
            """))
        press(&state, .escape)
        #expect(state.view.focus == .itemRow(loras, 0))
        #expect(FieldValues.text(of: .itemRow(loras, 0), in: state.request) == "add_detail · weight 0.7")

        // The unit commands work on this group: duplicate, move, remove.
        press(&state, .char("d"))
        #expect(state.request.items(of: try #require(state.endpoint.field(at: loras))).count == 2)
        #expect(state.view.focus == .itemRow(loras, 1))
        press(&state, .char("x"))
        #expect(state.status?.text == "Removed lora 2")
        #expect(state.request.items(of: try #require(state.endpoint.field(at: loras))).count == 1)

        // Typed text the weight cannot use is kept under its wire path, and comes back so.
        focus(&state, .item(loras, 0, "weight"))
        press(&state, .enter)
        for _ in 0..<3 { press(&state, .backspace) }
        type(&state, "heavy")
        press(&state, .enter)
        let saved = DraftCodec.draft(of: state)
        #expect(saved.fieldDrafts == ["extras.loras[0].weight": "heavy"])
        let restored = try #require(DraftCodec.form(saved))
        #expect(restored.drafts[.item(loras, 0, "weight")]?.message == "\"heavy\" is not a number")
    }

    @Test func aSecondGroupWithPresetsAndARuleIsEditedThroughTheReducer() throws {
        var state = try Self.state()
        focus(&state, .addItem("styles"))
        press(&state, .char("a"))
        guard case let .picker(picker)? = state.view.overlay else {
            Issue.record("expected the preset picker, got \(String(describing: state.view.overlay))")
            return
        }
        #expect(picker.title == "Add a style: look" && picker.options == ["ink", "neon"])
        press(&state, .enter)
        #expect(state.request.wireValue["styles"] == .array([.object([("on", .bool(true)), ("style", .string("ink-wash")),
                                                                        ("strength", .double(0.8)), ("floor", .int(0))])]))
        #expect(state.view.focus == .item("styles", 0, GroupSpec.presetKey))
        #expect(FieldValues.text(of: .item("styles", 0, GroupSpec.presetKey), in: state.request) == "ink")

        // The preset is switched from its picker; what it does not set is kept.
        focus(&state, .item("styles", 0, "floor"))
        press(&state, .enter, .backspace)
        type(&state, "0.2")
        press(&state, .enter)
        focus(&state, .item("styles", 0, GroupSpec.presetKey))
        press(&state, .enter)
        type(&state, "neon")
        press(&state, .enter)
        let item = try #require(state.request.wireValue.value(at: "styles[0]"))
        #expect(item["style"] == .string("neon") && item["floor"] == .double(0.2))
        #expect(item["strength"] == .double(0.3))

        // The rule as data: strength never below floor; typing below is refused and kept marked.
        focus(&state, .item("styles", 0, "strength"))
        press(&state, .enter)
        for _ in 0..<3 { press(&state, .backspace) }
        type(&state, "0.1")
        press(&state, .enter)
        #expect(state.drafts[.item("styles", 0, "strength")]?.message == "strength must not be below floor (0.2)")

        // On and off flips the catalog's switch, and the row says so.
        press(&state, .escape)
        press(&state, .char(" "))
        #expect(state.request.wireValue.value(at: "styles[0].on") == .bool(false))
        #expect(FieldValues.text(of: .itemRow("styles", 0), in: state.request) == "✗ neon at 0.3")

        // Validation reads the LoRA group's rule from the catalog too.
        state.request["extras.loras"] = .array([.object([("weight", .double(3))])])
        let problems = Dictionary(RequestValidator.validate(state.request).map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(problems["extras.loras[0].name"] == "LoRA 1 needs a name")
        #expect(problems["extras.loras[0].weight"] == "weight must be between 0 and 2 (is 3)")
    }
}
