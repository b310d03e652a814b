import Foundation
import Testing
@testable import Model

@Suite struct CatalogTests {
    @Test func hasTheSeventeenControlTypesInTheServiceOrder() {
        #expect(ControlNetCatalog.controlTypes.map(\.serviceName) == [
            "canny", "depth", "inpaint", "lineart", "MLSD", "NormalMap", "OpenPose", "Reference", "Scribble",
            "Segmentation", "Shuffle", "SoftEdge", "T2I-Adapter", "Tile", "Recolor", "IP-Adapter", "Instant-ID",
        ])
    }

    @Test func everyTypeOffersItsDefaultModuleAndKnowsEveryModule() {
        for type in ControlNetCatalog.controlTypes {
            #expect(type.modules.first == "none", "\(type.name) lists none first")
            #expect(type.modules.contains(type.defaultModule), "\(type.name)'s default module is offered")
            for module in type.modules {
                #expect(ControlNetCatalog.module(named: module) != nil, "\(module) has parameters")
            }
            let modelFree = ControlNetCatalog.module(named: type.defaultModule)?.modelFree ?? false
            #expect(!type.models.isEmpty || modelFree, "\(type.name) has example models or needs none")
            #expect(!type.models.contains { $0.lowercased().hasPrefix("none") }, "no notes in place of model names")
        }
    }

    @Test func choosingCannyPresetsItsThresholdsAndModel() throws {
        let unit = ControlNetGroup.unit("canny")
        #expect(unit["module"] == .string("canny"))
        #expect(unit["model"] == .string("control_v11p_sd15_canny [d14c016b]"))
        #expect(unit["threshold_a"] == .double(100))
        #expect(unit["threshold_b"] == .double(200))
        #expect(unit["processor_res"] == .int(512))
        #expect(unit["enabled"] == .bool(true))
        let spec = try #require(ControlNetCatalog.module(named: "canny")?.thresholdA)
        #expect(spec.label == "Low Threshold" && spec.min == 1 && spec.max == 255)
        #expect(ControlNetGroup.problems(unit, request: .object([("alwayson_scripts", .object([("image_link", .string("https://example.com/i.png"))]))])).isEmpty)
    }

    @Test func everyControlTypePresetIsAValidUnit() {
        for type in ControlNetCatalog.controlTypes {
            let unit = ControlNetGroup.unit(type.serviceName, [("image_link", .string("https://example.com/control.png"))])
            let problems = ControlNetGroup.problems(unit)
            #expect(problems.isEmpty, "\(type.name): \(problems)")
            #expect(ControlNetGroup.group.preset(of: unit)?.name == type.serviceName || type.defaultModule == "none")
        }
    }

    @Test func modulesWithoutThresholdsLeaveThemOut() throws {
        let unit = ControlNetGroup.unit("IP-Adapter")
        #expect(unit["threshold_a"] == nil && unit["threshold_b"] == nil && unit["processor_res"] == nil)
        #expect(ControlNetGroup.group.normalize(unit)["threshold_a"] == nil)
    }

    @Test func modulesAreFoundByLabelToo() {
        // The service's example uses the UI label of the "inpaint" preprocessor.
        #expect(ControlNetCatalog.module(named: "inpaint_global_harmonious")?.name == "inpaint")
        #expect(ControlNetCatalog.controlType(forModule: "inpaint_global_harmonious")?.serviceName == "inpaint")
        #expect(ControlNetGroup.group.preset(of: .object([("module", .string("inpaint_global_harmonious"))]))?.name == "inpaint")
    }

    @Test func samplersUseTheNamesTheServiceSends() {
        #expect(ControlNetCatalog.samplers.first == "DPM++ 2M Karras")
        #expect(ControlNetCatalog.unitResizeModes == ["Just Resize", "Crop and Resize", "Resize and Fill"])
        #expect(ControlNetCatalog.controlModes.first == "Balanced")
    }
}

@Suite struct EndpointCatalogTests {
    static let catalog = EndpointCatalog.shipped
    static let ready = EndpointCatalog.shipped.endpoints.filter(\.ready)

    @Test func theShippedCatalogOffersEveryDocumentedEndpoint() {
        #expect(Self.catalog.endpoints.count == 21, "the built-in catalog read without a fault: the service's 16 and an A1111 server's 5")
        #expect(Self.ready.count == Self.catalog.endpoints.count, "every endpoint with a documented path has a complete form (issue 9)")
        let groups = Self.catalog.readyGroups
        #expect(groups.map(\.group) == ["AI image generation", "train model", "image tool"], "the reference's order (§1, §3, §4)")
        #expect(groups.first?.endpoints.allSatisfy { $0.family == .sd } == true)
        #expect(groups[1].endpoints.map(\.id) == ["modelTraining/submitTraining/Job"])
        #expect(groups.last?.endpoints.map(\.id).sorted() == [
            "tool/cnt/preview", "tool/comfyui/text2image", "tool/face/detection", "tool/face/fusion", "tool/hair/change",
            "tool/identifyStyle", "tool/imgExpand", "tool/instantID", "tool/interrogate", "tool/prompts/expand", "tool/roop", "tool/v2/roop",
        ])
        // An A1111 server's forms are its own (issue 20): never in the service's switcher, and the service's never in its.
        let a1111 = Self.catalog.readyGroups(for: .a1111)
        #expect(a1111.map(\.group) == ["AUTOMATIC1111"])
        #expect(a1111.first?.endpoints.map(\.id) == ["sdapi/v1/txt2img", "sdapi/v1/img2img", "sdapi/v1/extra-single-image",
                                                      "sdapi/v1/interrogate", "sdapi/v1/png-info"])
        #expect(a1111.first?.endpoints.allSatisfy { $0.family == .a1111 && $0.server == .a1111 } == true)
        #expect(groups.flatMap(\.endpoints).allSatisfy { $0.server == .zhiqite })
    }

    @Test func everyEndpointIdIsUniqueAndItsFamilyFollowsItsPath() {
        let ids = Self.catalog.endpoints.map(\.id)
        #expect(Set(ids).count == ids.count)
        for endpoint in Self.catalog.endpoints {
            switch endpoint.family.name {
            case "sd": #expect(endpoint.id.hasPrefix("sd/"), "\(endpoint.id)")
            case "tool": #expect(endpoint.id == "tool/" + (endpoint.family.code ?? ""), "toolCode is the path after tool/ (§2.3)")
            case "training": #expect(endpoint.id.hasPrefix("modelTraining/"), "\(endpoint.id)")
            case "a1111": #expect(endpoint.id.hasPrefix("sdapi/v1/"), "\(endpoint.id)")
            default: Issue.record("\(endpoint.id): a family the shipped catalog should not have (\(endpoint.family.name))")
            }
        }
    }

    @Test(arguments: EndpointCatalog.shipped.endpoints.filter(\.ready).map(\.id))
    func aReadyEndpointsFieldsAreComplete(id: String) throws {
        let endpoint = try #require(Self.catalog.endpoint(id: id))
        let paths = endpoint.fields.map(\.path)
        #expect(Set(paths).count == paths.count, "unique wire paths: \(paths)")
        #expect(Set(endpoint.formFields.map(\.path)) == Set(paths), "the form shows every field")

        // The client's task id (wire rule 8) is a required text field at taskIDPath.
        let taskField = try #require(endpoint.field(at: endpoint.taskIDPath))
        #expect(taskField.role == .taskID && taskField.required)
        #expect(endpoint.fields.filter { $0.role == .taskID }.count == 1)
        #expect(Request.new(for: endpoint, taskID: "t-1").taskID == "t-1")

        // A prompt, where there is one, is required (outpainting's is optional, §4.14); SD ones also know the seed, size and checkpoint.
        if let prompt = endpoint.field(role: .prompt), id != "tool/imgExpand" { #expect(prompt.required, "\(id)") }
        // Every field carries a label of its own beyond its wire name, but the task ids (wire rule 8 names them).
        for field in endpoint.fields where field.role != .taskID && endpoint.family != .sd {
            #expect(field.label != field.path || field.path == "v2", "\(id) \(field.path) has a label")
        }
        switch endpoint.family.name {
        case "sd":
            #expect(endpoint.taskIDPath == "alwayson_scripts.id_task")
            #expect(endpoint.field(role: .prompt)?.path == "prompt")
            #expect(endpoint.field(role: .negativePrompt)?.path == "negative_prompt")
            #expect(endpoint.field(role: .seed)?.path == "seed")
            #expect(endpoint.field(role: .checkpoint)?.path == "alwayson_scripts.sd_model_checkpoint")
            #expect(endpoint.field(role: .width)?.path == "width" && endpoint.field(role: .height)?.path == "height")
            #expect(endpoint.fields.filter { $0.role == .imageCount }.map(\.path) == ["n_iter", "batch_size"])
            #expect(endpoint.result == .images)
        case "tool":
            #expect(endpoint.taskIDPath == "businessTaskId")
            #expect(endpoint.result != .training)
        case "training":
            #expect(endpoint.taskIDPath == "taskId", "§3.1, §A5")
            #expect(endpoint.result == .training && !endpoint.canBeFollowed, "§3.2 is a callback")
        case "a1111":
            // Issue 20: zqt's id in force_task_id; the answer is the result, nothing is followed after.
            #expect(endpoint.taskIDPath == "force_task_id" && endpoint.server == .a1111)
            #expect(!endpoint.canBeFollowed && endpoint.family.followUp.answersWhenDone)
            let inline = endpoint.fields.filter(\.takesImage).allSatisfy { $0.inlineImage }
            #expect(inline, "a picture goes inline (base64) to an A1111 server")
        default:
            Issue.record("a family the shipped catalog should not have: \(endpoint.family.name)")
        }

        for field in endpoint.fields {
            // Dimmed fields follow a toggle of the same endpoint.
            if let toggle = field.dimmedUnless {
                #expect(endpoint.field(at: toggle)?.kind == .toggle, "\(field.path) is dimmed by \(toggle)")
            }
            // A default is a valid value of its own field.
            // (A required field's empty default, "" or [], is the fresh form asking for it.)
            if let value = field.defaultValue, !field.kind.isVirtual, (value != .string("") && value != .array([])) || !field.required {
                let problems = RequestValidator.check(field, WireCoding.coerce(field, value))
                #expect(problems.isEmpty, "\(id) \(field.path)'s default \(JSONWriter.compact(value)): \(problems)")
            }
            if case let .choice(options, freeText) = field.kind, !freeText {
                #expect(!options.isEmpty, "\(field.path) offers something to choose")
            }
        }
    }

    @Test func theFluxAndPromptExpansionFormsFollowTheReference() throws {
        let flux = try #require(Self.catalog.endpoint(id: "tool/comfyui/text2image"))
        #expect(flux.family == .tool(code: "comfyui/text2image"))
        #expect(flux.fields.map(\.path) == ["businessTaskId", "comfyTaskType", "prompt", "width", "height", "steps",
                                            "fluxGuidance", "callbackUrl", "@other"], "§4.1's table order, then the members it does not list (§A16)")
        guard case let .choice(options, _) = flux.field(at: "comfyTaskType")?.kind else { Issue.record("a choice"); return }
        #expect(options.map(\.value) == [.string("Flux1SchnellFP8"), .string("Flux1DevFP8")])
        #expect(flux.field(at: "fluxGuidance")?.defaultValue == .double(3.5))
        #expect(flux.result == .images)

        let expand = try #require(Self.catalog.endpoint(id: "tool/prompts/expand"))
        #expect(expand.fields.map(\.path) == ["mode", "sourcePrompt", "businessTaskId", "topK", "topP", "temperature",
                                              "repetitionPenalty", "maxTokens", "minTokens", "sequencesNum", "@other"],
                "§4.10's example's order, then its table's (wire rule 3, issue 22)")
        #expect(expand.result == .text)
        #expect(expand.field(at: "topK")?.minimum == 0 && expand.field(at: "topK")?.maximum == 250, "§4.10: [0, 250]")
        #expect(expand.field(at: "topP")?.minimum == 0.01 && expand.field(at: "topP")?.maximum == 1, "§4.10: [0.01, 1.0]")
    }

    @Test func theToolFormsFollowTheReference() throws {
        func endpoint(_ id: String) throws -> Endpoint { try #require(Self.catalog.endpoint(id: id)) }
        #expect(try endpoint("tool/roop").fields.map(\.path) == ["sourceUrl", "targetUrl", "businessTaskId", "@other"], "§4.2's table, no callbackUrl")
        let v2 = try endpoint("tool/v2/roop")
        #expect(v2.field(at: "fidelityWeight")?.kind == .text, "§A2: typed string, sent as text")
        #expect(v2.field(at: "fidelityWeight")?.minimum == 0 && v2.field(at: "fidelityWeight")?.maximum == 1)
        let instant = try endpoint("tool/instantID")
        guard case let .choice(sizes, freeText)? = instant.field(at: "width")?.kind else { Issue.record("a choice"); return }
        #expect(sizes.map(\.value) == [.int(960)] && !freeText, "§4.4: only 960 is offered")
        #expect(instant.field(at: "guidanceScale")?.kind == .number, "§A2: the curl sample sends 1.0")
        #expect(try endpoint("tool/interrogate").field(at: "model")?.defaultValue == .string("clip"))
        #expect(try endpoint("tool/interrogate").field(at: "callbackUrl")?.required == false, "§A10")
        let fusion = try endpoint("tool/face/fusion")
        #expect(fusion.field(at: "sourceUrl")?.kind == .urlList && fusion.field(at: "sourceUrl")?.maximum == 2, "§4.8: 1–2 URLs")
        #expect(try endpoint("tool/face/detection").result == .data, "§4.9: the answer is not documented")
        #expect(try endpoint("tool/hair/change").fields.map(\.path) == ["businessTaskId", "callbackUrl", "@other"], "§4.11: the path only")
        #expect(try endpoint("tool/identifyStyle").result == .text)
        let expand = try endpoint("tool/imgExpand")
        #expect(["sourceImage", "imageCount", "verticalExpansionRatio", "horizontalExpansionRatio"].allSatisfy { expand.field(at: $0)?.required == true })
        #expect(expand.field(at: "promptGuideFactor")?.minimum == 1 && expand.field(at: "promptGuideFactor")?.maximum == 45)
        guard case let .choice(modules, true)? = try endpoint("tool/cnt/preview").field(at: "preprocessor")?.kind else {
            Issue.record("a choice with free text"); return
        }
        #expect(modules.contains { $0.value == .string("canny") } && modules.count == ControlNetCatalog.moduleList.count)
    }

    @Test func theTrainingFormUsesTheSchemasCamelCaseKeys() throws {
        let training = try #require(Self.catalog.endpoint(id: "modelTraining/submitTraining/Job"))
        #expect(training.family == .training && training.group == "train model")
        #expect(training.fields.allSatisfy { !$0.path.contains("_") }, "§A7: the example's snake_case is the docs' slip")
        let wire = Request.new(for: training, taskID: "t-1").wireValue
        #expect(wire.objectValue?.map(\.key) == ["taskId", "fileUrlList", "maxEpochs", "batchSize", "learningRate", "maxTokenLength", "clipSkip"],
                "the documented defaults and the required fields; everything else is left out until set")
        #expect(wire["learningRate"] == .string("0.00001") && wire["maxTokenLength"] == .int(225), "§3.1's defaults; the rate as text (§A2)")
        guard case let .choice(lengths, false)? = training.field(at: "maxTokenLength")?.kind else { Issue.record("a choice"); return }
        #expect(lengths.map(\.value) == [.int(0), .int(150), .int(225)])
    }

    @Test func endpointsAreFoundByNamePathAndId() throws {
        #expect(Self.catalog.endpoint(named: "flux")?.id == "tool/comfyui/text2image")
        #expect(Self.catalog.endpoint(named: "FLUX")?.id == "tool/comfyui/text2image")
        #expect(Self.catalog.endpoint(named: "controlnet")?.id == "sd/v2/controlnet")
        #expect(Self.catalog.endpoint(named: "text2image")?.id == "sd/v2/text2image", "the exact title wins over Flux text2image")
        #expect(Self.catalog.endpoint(named: "image2image")?.id == "sd/v2/image2image")
        #expect(Self.catalog.endpoint(named: "prompt expansion")?.id == "tool/prompts/expand")
        #expect(Self.catalog.endpoint(named: "sd/v2/controlnet")?.id == "sd/v2/controlnet")
        #expect(Self.catalog.endpoint(named: "zebra") == nil)
        #expect(Self.catalog.endpoint(path: "/AIGCImgOpenServ/saas/sd/v2/image2image")?.id == "sd/v2/image2image")
        #expect(Self.catalog.endpoint(path: "tool/prompts/expand")?.title == "Prompt expansion")
        #expect(Endpoint.controlNet.path == "/AIGCImgOpenServ/saas/sd/v2/controlnet")
        #expect(Self.catalog.endpoint(named: "expand")?.id == "tool/prompts/expand")
        #expect(Self.ready.map(\.shortName).sorted() == ["cnt-preview", "controlnet", "describe", "expand", "extras", "faces", "faceswap",
                                                         "faceswap-multi", "faceswap2", "flux", "hair", "image2image", "img2img", "instantid",
                                                         "interrogate", "outpaint", "png-info", "style", "text2image", "training", "txt2img"],
                "one word each for `zqt send --endpoint`")
        for endpoint in Self.ready {
            #expect(Self.catalog.endpoint(named: endpoint.shortName) == endpoint, "\(endpoint.shortName) names \(endpoint.title)")
        }
    }

    @Test func aPathTheCatalogLacksResolvesToACustomRequestOfItsFamily() {
        let tool = Self.catalog.resolve("/AIGCImgOpenServ/saas/tool/some/new/tool")
        #expect(tool.id == "tool/some/new/tool" && tool.family == .tool(code: "some/new/tool") && tool.isCustom)
        #expect(tool.taskIDPath == "businessTaskId" && tool.field(at: CustomEndpoint.bodyField) != nil,
                "a history row for it opens in the custom request's form")
        #expect(tool.family.queryPath(submittedAt: .now) == "tool/some/new/tool/queryTask", "§2.3: toolCode may hold slashes")
        #expect(Self.catalog.resolve("sd/v9/thing").family == .sd)
        #expect(Self.catalog.resolve("sd/v2/controlnet") == .controlNet)
        #expect(Self.catalog.resolve("sd/v2/controlnet").fields.isEmpty == false)
    }

    // MARK: A broken catalog document is reported by path

    static func fault(_ text: String) -> CatalogError? {
        do {
            _ = try EndpointCatalog(json: text)
            return nil
        } catch {
            return error
        }
    }

    static let goodField = #"{"path": "prompt", "kind": "text", "role": "prompt"}"#

    @Test func aDocumentThatIsNotACatalogIsNamed() {
        #expect(Self.fault("{oops")?.path == "")
        #expect(Self.fault("{oops")?.message.hasPrefix("not valid JSON") == true)
        #expect(Self.fault(#"{"endpoint": []}"#) == CatalogError(path: "endpoints", message: "expected a list of endpoints"))
        #expect(Self.fault(#"{"endpoints": []}"#) == nil, "an empty catalog is a catalog")
    }

    @Test func aBadKindIsReportedAtItsField() {
        let text = #"{"endpoints": [{"id": "sd/a", "family": "sd", "fields": [\#(Self.goodField)]},"#
            + #" {"id": "sd/b", "family": "sd", "fields": [\#(Self.goodField), {"path": "steps", "kind": "dial"}]}]}"#
        let error = Self.fault(text)
        #expect(error == CatalogError(path: "endpoints[1].fields[1].kind", message: "unknown kind \"dial\""))
        #expect(error?.description == "endpoints[1].fields[1].kind: unknown kind \"dial\"")
    }

    @Test func missingFieldsAreReported() {
        #expect(Self.fault(#"{"endpoints": [{"id": "sd/a", "family": "sd"}]}"#)
                == CatalogError(path: "endpoints[0].fields", message: "expected a list of fields"))
        #expect(Self.fault(#"{"endpoints": [{"id": "sd/a", "family": "sd", "fields": {"prompt": {}}}]}"#)?.path == "endpoints[0].fields")
        #expect(Self.fault(#"{"endpoints": [{"id": "sd/a", "family": "sd", "fields": [{"kind": "text"}]}]}"#)
                == CatalogError(path: "endpoints[0].fields[0].path", message: "expected the field's wire path"))
        #expect(Self.fault(#"{"endpoints": [{"family": "sd", "fields": []}]}"#)
                == CatalogError(path: "endpoints[0].id", message: "expected text"))
    }

    @Test func anUnknownFamilyIsReported() {
        #expect(Self.fault(#"{"endpoints": [{"id": "video/a", "family": "video", "fields": []}]}"#)
                == CatalogError(path: "endpoints[0].family", message: "unknown family \"video\" (sd, tool, training or a1111)"))
        #expect(Self.fault(#"{"endpoints": [{"id": "other/a", "family": "tool", "fields": []}]}"#)?.path == "endpoints[0].tool_code",
                "a tool whose path is not under tool/ needs its toolCode")
    }

    @Test func otherFaultsNameTheirPlaceToo() {
        func one(_ field: String) -> String { #"{"endpoints": [{"id": "sd/a", "family": "sd", "fields": [\#(field)]}]}"# }
        #expect(Self.fault(one(#"{"path": "x", "kind": "slider", "min": 5, "max": 1}"#))
                == CatalogError(path: "endpoints[0].fields[0]", message: "a slider needs min < max"))
        #expect(Self.fault(one(#"{"path": "x", "role": "mascot"}"#))
                == CatalogError(path: "endpoints[0].fields[0].role", message: "unknown role \"mascot\""))
        #expect(Self.fault(#"{"endpoints": [{"id": "/sd/a", "family": "sd", "fields": []}]}"#)?.path == "endpoints[0].id")
        #expect(Self.fault(#"{"endpoints": [{"id": "sd/../x", "family": "sd", "fields": []}]}"#)?.path == "endpoints[0].id")
    }

    @Test func aUserCatalogIsReadWithItsOrderKindsAndRoles() throws {
        let catalog = try EndpointCatalog(json: """
            {"endpoints": [{"id": "tool/echo", "title": "Echo", "group": "image tool", "family": "tool", "ready": true, "result": "text",
              "fields": [{"path": "businessTaskId", "kind": "text", "role": "task_id", "required": true},
                         {"path": "words", "kind": "multiline", "lines": 99, "role": "prompt", "required": true},
                         {"path": "level", "kind": "slider", "min": 0, "max": 10, "integer": true, "default": 3},
                         {"path": "pick", "kind": "choice", "options": [[0, "zero"], "one"]}]}]}
            """)
        let echo = try #require(catalog.endpoint(named: "echo"))
        #expect(echo.family == .tool(code: "echo") && echo.result == .text && echo.ready)
        #expect(echo.fields.map(\.path) == ["businessTaskId", "words", "level", "pick"])
        #expect(echo.fields[1].kind == .multilineText(lines: 12), "lines are held to 1…12")
        guard case let .choice(options, _) = echo.fields[3].kind else { Issue.record("a choice"); return }
        #expect(options == [ChoiceOption(value: .int(0), label: "zero"), ChoiceOption(value: .string("one"), label: "one")])
        var request = Request.new(for: echo, taskID: "e-1")
        request["words"] = .string("hello")
        #expect(request.wireJSON == "{\n  \"businessTaskId\": \"e-1\",\n  \"words\": \"hello\",\n  \"level\": 3\n}")
    }
}

/// The repeated group as catalog data (issue 16): ControlNet's unit read
/// from the shipped catalog, its presets, variants and rules.
@Suite struct GroupSpecTests {
    let group = ControlNetGroup.group

    @Test func theUnitsFieldsAreCatalogDataInWireOrder() {
        #expect(group.fields.map(\.path) == ["image_link", "enabled", "module", "model", "weight", "resize_mode", "low_vram",
                                              "processor_res", "threshold_a", "threshold_b", "guidance_start", "guidance_end",
                                              "pixel_perfect", "control_mode", "hr_option", "save_detected_map"])
        #expect(group.itemTitle == "ControlNet unit" && group.rowLabel == "Unit")
        #expect(group.presets?.presets.map(\.name) == ControlNetCatalog.controlTypes.map(\.serviceName))
        #expect(group.switchField?.path == "enabled")
        #expect(group.rules.contains(.notBelow(field: "guidance_end", other: "guidance_start")))
        #expect(!group.formFields.contains { $0.path == "save_detected_map" }, "kept on the wire, not in the form")
    }

    @Test func theModelFollowsTheCheckpointsBase() {
        #expect(ControlNetGroup.unit("canny", family: .sdxl)["model"] == .string("diffusers_xl_canny_full [2b69fca4]"))
        #expect(ControlNetGroup.unit("canny", family: .sd15)["model"] == .string("control_v11p_sd15_canny [d14c016b]"))
        #expect(ControlNetGroup.unit("canny")["model"] == .string("control_v11p_sd15_canny [d14c016b]"), "unknown base: the first")
    }

    @Test func switchingPresetKeepsWhatIsNotAboutIt() throws {
        let canny = ControlNetGroup.unit("canny", [("image_link", .string("https://example.com/e.png")), ("weight", .double(0.6)),
                                                   ("union_control_type", .string("Canny"))])
        let depth = group.applying(try #require(group.presets?.preset(named: "Depth")), to: canny)
        #expect(depth["module"] == .string("depth"))
        #expect(depth["threshold_a"] == nil && depth["threshold_b"] == nil, "depth has no thresholds")
        #expect(depth["image_link"] == .string("https://example.com/e.png") && depth["weight"] == .double(0.6))
        #expect(group.normalize(depth).objectValue?.last?.key == "union_control_type", "an unknown key is kept, last")
        #expect(group.resolvedField("threshold_a", in: depth) == nil, "no threshold slider for depth")
        #expect(group.resolvedField("threshold_a", in: canny)?.label == "Low Threshold")
    }

    @Test func guidanceEndIsNeverBelowStart() throws {
        let unit = try group.setting("guidance_start", to: .double(0.4), in: ControlNetGroup.unit("canny", [("guidance_end", .double(0.5))]))
        #expect(throws: GroupRuleRefusal.self) { try group.setting("guidance_end", to: .double(0.3), in: unit) }
        let carried = try group.setting("guidance_start", to: .double(0.7), in: unit)
        #expect(carried["guidance_end"] == .double(0.7), "moving start past end carries end along")
        #expect(group.floor(of: "guidance_end", in: carried) == 0.7)
    }

    @Test func changingTheModuleResetsItsSliders() throws {
        let unit = try group.setting("module", to: .string("mlsd"), in: ControlNetGroup.unit("canny"))
        let mlsd = try #require(ControlNetCatalog.module(named: "mlsd"))
        #expect(unit["threshold_a"]?.numberValue == mlsd.thresholdA?.defaultValue)
        #expect(group.preset(of: unit)?.name == "MLSD")
        let unknown = try group.setting("module", to: .string("my_own"), in: unit)
        #expect(unknown["threshold_a"] == unit["threshold_a"], "a module the catalog does not know keeps what was set")
    }

    @Test func anOlderRequestsIndicesAreSentAsStrings() throws {
        let decoded = try Request.decode(json: #"{"alwayson_scripts": {"controlnet": {"args": [{"module": "canny", "resize_mode": 0, "hr_option": 2}]}}}"#,
                                         for: .controlNet)
        let unit = decoded.request.wireValue.value(at: "alwayson_scripts.controlnet.args[0]")
        #expect(unit?["resize_mode"] == .string("Just Resize"))
        #expect(unit?["hr_option"] == .string("High res only"))
        #expect(unit?["enabled"] == .bool(true))
        let notes = Dictionary(decoded.notes.map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(notes["alwayson_scripts.controlnet.args[0].resize_mode"] == "was 0; zqt sends \"Just Resize\"")
        #expect(notes["alwayson_scripts.controlnet.args[0].enabled"] == "missing; zqt sends \"enabled\": true")
    }

    @Test func aGroupEntryThatDoesNotHoldTogetherIsRefusedWithItsPlace() {
        func entry(_ item: String) -> String {
            #"{"endpoints": [{"id": "tool/x", "family": "tool", "fields": [{"path": "loras", "kind": "group", "group": "lora", "item": "#
                + item + "}]}]}"
        }
        #expect(throws: CatalogError(path: "endpoints[0].fields[0].item.rules[0].other", message: "\"strength\" is not a field of the item")) {
            try EndpointCatalog(json: entry(#"{"fields": [{"path": "weight", "kind": "number"}], "rules": [{"rule": "not_below", "field": "weight", "other": "strength"}]}"#))
        }
        #expect(throws: CatalogError(path: "endpoints[0].fields[0].item.fields[0].path", message: "an item's field is one key of the item, like weight")) {
            try EndpointCatalog(json: entry(#"{"fields": [{"path": "a.b", "kind": "number"}]}"#))
        }
        #expect(throws: CatalogError(path: "endpoints[0].fields[0].item", message: "a group needs \"item\": {\"fields\": [...]}, the fields of one item")) {
            try EndpointCatalog(json: #"{"endpoints": [{"id": "tool/x", "family": "tool", "fields": [{"path": "loras", "kind": "group"}]}]}"#)
        }
    }
}
