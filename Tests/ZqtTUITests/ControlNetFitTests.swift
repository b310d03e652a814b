// ControlNet units and the checkpoint's base (issue 19): with an SDXL
// checkpoint a unit held an SD 1.5 model and nothing said so. The units'
// preset models follow the checkpoint; a model that does not fit is
// flagged on the unit's row and by `zqt validate`.

import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct ControlNetFitTests {
    static let sd15Canny = "control_v11p_sd15_canny [d14c016b]"

    @Test func theUnitsFollowTheCheckpointAndAMisfitIsFlagged() {
        var state = makeState()
        press(&state, .char("a"))
        type(&state, "canny")
        press(&state, .enter)
        press(&state, .escape)
        #expect(state.request.controlNetUnits?.first?.model == Self.sd15Canny, "no checkpoint yet: the catalog's first")
        // An SDXL checkpoint chosen afterwards: the preset's XL model.
        _ = Reducer.reduce(&state, .editorFinished(FieldID("alwayson_scripts.sd_model_checkpoint"),
                                                   text: "sd_xl_base_1.0.safetensors", error: nil))
        #expect(state.request.controlNetUnits?.first?.model == "diffusers_xl_canny_full [2b69fca4]")
        #expect(state.status?.text == "1 unit's model changed to the one made for SDXL, the checkpoint's base")

        // A model set by hand that does not fit stays, and its row says so.
        state.request["alwayson_scripts.controlnet.args[0].model"] = .string("my_sd15_canny_v2")
        state.view.size = Size(width: 120, height: 60)
        #expect(FormView.problemsByPath(state) == ["alwayson_scripts.controlnet.args[0]": "model: for SD 1.5; checkpoint is SDXL"])
        let screen = Screen.render(state).text
        #expect(screen.contains("⚠ model: for SD 1.5; checkpoint is SDXL"), "\(screen)")
        #expect(ControlNetFit.misfits(state.request).map(\.path) == ["alwayson_scripts.controlnet.args[0].model"])
    }

    @Test func validateAndSendWarnOfAMisfit() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = scratch.path("zqt-fit")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let text = try String(contentsOfFile: "examples/controlnet.json", encoding: .utf8)
                .replacingOccurrences(of: "revAnimated_v122_7371.safetensors", with: "juggernautXL_v9_348913.safetensors")
            try text.write(toFile: root + "/xl.json", atomically: true, encoding: .utf8)
            let run = try ZqtBinary.run(["validate", root + "/xl.json", "--endpoint", "controlnet"], environment: ["XDG_CONFIG_HOME": root])
            #expect(run.status == 0, "a likely mistake, not a refusal: \(run.stderr)")
            #expect(run.stderr.contains("warning: alwayson_scripts.controlnet.args[0].model: control_v1p_sd15_brightness is made for SD 1.5; the checkpoint is SDXL"),
                    "\(run.stderr)")
            let fits = try ZqtBinary.run(["validate", "examples/controlnet.json", "--endpoint", "controlnet"], environment: ["XDG_CONFIG_HOME": root])
            #expect(!fits.stderr.contains("warning:"), "\(fits.stderr)")
            // `zqt send` says it as `zqt validate` does, and sends (newcomer re-check of issue 19).
            let environment = ["XDG_CONFIG_HOME": root, "ZQT_HOME": root + "/home"]
            let sent = try ZqtBinary.run(["send", "--sandbox", root + "/xl.json", "--no-wait"], environment: environment)
            #expect(sent.status == 0, "\(sent.stderr)")
            #expect(sent.stderr.contains("warning: alwayson_scripts.controlnet.args[0].model: control_v1p_sd15_brightness is made for SD 1.5; the checkpoint is SDXL"),
                    "\(sent.stderr)")
        }
    }
}
