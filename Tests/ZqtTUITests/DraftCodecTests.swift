import Model
import Testing
@testable import ZqtTUI

@Suite struct DraftCodecTests {
    @Test func everyFieldHasAKeyThatReadsBack() {
        var fields = FormSchema.mainFields(SDRequest(), checkpoints: []).map(\.id)
        fields += FormSchema.unitFields(ControlNetUnit(controlType: ControlNetCatalog.controlTypes[0]), index: 3).map(\.id)
        for field in fields {
            #expect(FieldID(key: field.key) == field, "\(field) ↔ \(field.key)")
        }
        #expect(Set(fields.map(\.key)).count == Set(fields).count, "keys are unique")
    }

    @Test func theFormComesBackWithTypedTextStillMarked() {
        var state = makeState()
        state.request.prompt = "一只猫 in the rain"
        focus(&state, .steps)
        press(&state, .enter, .ctrl("u"))
        type(&state, "2o")
        press(&state, .enter)  // kept as a draft, marked
        focus(&state, .width)
        press(&state, .enter, .ctrl("u"))
        type(&state, "76")  // an edit still open when zqt is killed

        let saved = DraftCodec.draft(of: state)
        #expect(saved.fieldDrafts == ["steps": "2o"], "76 is already in the request: the preview follows typing")

        var restored = makeState()
        DraftCodec.restore(saved, into: &restored)
        #expect(restored.request.prompt == "一只猫 in the rain")
        #expect(restored.request.width == 76)
        #expect(restored.drafts[.steps] == Draft(text: "2o", message: "\"2o\" is not a whole number"))
    }

    @Test func anEditWhoseTextTheRequestCannotHoldIsKeptToo() {
        var state = makeState()
        focus(&state, .cfgScale)
        press(&state, .enter, .ctrl("u"))
        type(&state, "7,5x")
        let saved = DraftCodec.draft(of: state)
        #expect(saved.fieldDrafts["cfg_scale"] == "7,5x")
        var restored = makeState()
        DraftCodec.restore(saved, into: &restored)
        #expect(restored.drafts[.cfgScale]?.text == "7,5x")
    }
}
