// What a frame keeps from the last one (keyp19, issue 18): the form's
// fields, the checkpoint's base and the footer's hints are no longer made
// anew on every key. Each follows what it is made of when that changes
// without the request changing: a model list read, a unit opened, an edit
// begun or ended.

import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct FrameKeptValuesTests {
    static let sd15Canny = "control_v11p_sd15_canny [d14c016b]"

    static func list(_ kind: ModelListKind, _ items: [ModelItem]) -> ModelList {
        ModelList(kind: kind, items: items, fetchedAt: Date(timeIntervalSince1970: 0), path: kind.defaultPath)
    }

    /// The checkpoint's name says nothing of its base; the list read later does: the unit's
    /// row says its model does not fit, the request unchanged.
    @Test func aListReadNamesTheCheckpointsBaseAndTheUnitsRowSaysSo() {
        var state = makeState(width: 120, height: 60)
        state.request[FieldID.checkpoint.path] = .string("house_mix_v3.safetensors")
        state.request["alwayson_scripts.controlnet.args"] = .array([.object([("enabled", .bool(true)), ("module", .string("canny")),
                                                                               ("model", .string(Self.sd15Canny))])])
        let revision = state.request.revision
        let before = Screen.render(state).text
        #expect(!before.contains("checkpoint is SDXL"), "\(before)")

        state.modelLists[.checkpoint].set(Self.list(.checkpoint, [ModelItem(name: "house_mix_v3.safetensors", baseModel: "SDXL 1.0")]))
        #expect(state.request.revision == revision)
        let after = Screen.render(state).text
        #expect(after.contains("⚠ model: for SD 1.5; checkpoint is SDXL"), "\(after)")
    }

    /// The VAE list read replaces the catalog's examples among the field's
    /// choices, the request unchanged; a unit opened has its own fields, and closed the form's again.
    @Test func theFormsFieldsFollowTheListsAndTheUnitOpen() {
        var state = makeState()
        let vae = FieldID("alwayson_scripts.sd_vae")
        func choices() -> [String] {
            guard case let .choice(options, _)? = state.fields.first(where: { $0.id == vae })?.kind else { return [] }
            return options
        }
        #expect(choices().contains("kl-f8-anime2.ckpt"))
        state.modelLists[.vae].set(Self.list(.vae, [ModelItem(name: "house_vae.safetensors")]))
        #expect(choices() == ["house_vae.safetensors"])

        let formFields = state.fields.map(\.id)
        press(&state, .char("a"))
        type(&state, "canny")
        press(&state, .enter)
        #expect(state.view.openItem != nil)
        let unitFields = state.fields.map(\.id)
        #expect(unitFields != formFields && unitFields.contains { $0.itemPlace != nil }, "\(unitFields)")
        press(&state, .escape)
        #expect(state.view.openItem == nil)
        #expect(state.fields.contains { $0.id == vae })
    }

    /// The footer says what the keys do now: another while a field is edited, the form's again after.
    @Test func theFooterFollowsAnEditBegunAndEnded() {
        var state = makeState()
        focus(&state, .prompt)
        let form = Screen.footerHints(state).map(\.1)
        press(&state, .enter)
        #expect(state.view.editing != nil)
        let editing = Screen.footerHints(state).map(\.1)
        #expect(editing != form, "\(editing)")
        let footerRow = Screen.render(state).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(editing.first.map { footerRow.contains($0) } == true, "\(footerRow)")
        press(&state, .escape)
        #expect(state.view.editing == nil)
        #expect(Screen.footerHints(state).map(\.1) == form)
    }
}
