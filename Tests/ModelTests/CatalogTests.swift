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
        let canny = try #require(ControlNetCatalog.controlType(named: "canny"))
        let unit = ControlNetUnit(controlType: canny)
        #expect(unit.module == "canny")
        #expect(unit.model == "control_v11p_sd15_canny [d14c016b]")
        #expect(unit.thresholdA == 100)
        #expect(unit.thresholdB == 200)
        #expect(unit.processorRes == 512)
        #expect(unit.enabled)
        let spec = try #require(ControlNetCatalog.module(named: "canny")?.thresholdA)
        #expect(spec.label == "Low Threshold" && spec.min == 1 && spec.max == 255)
        #expect(RequestValidator.validate(unit, path: "u").isEmpty)
    }

    @Test func everyControlTypePresetIsAValidUnit() {
        for type in ControlNetCatalog.controlTypes {
            var unit = ControlNetUnit(controlType: type)
            unit.imageLink = "https://example.com/control.png"
            let problems = RequestValidator.validate(unit, path: "u")
            #expect(problems.isEmpty, "\(type.name): \(problems)")
        }
    }

    @Test func modulesWithoutThresholdsLeaveThemOut() throws {
        let ipAdapter = try #require(ControlNetCatalog.controlType(named: "IP-Adapter"))
        let unit = ControlNetUnit(controlType: ipAdapter)
        #expect(unit.thresholdA == nil && unit.thresholdB == nil && unit.processorRes == nil)
        #expect(unit.jsonValue["threshold_a"] == nil)
    }

    @Test func modulesAreFoundByLabelToo() {
        // The service's example uses the UI label of the "inpaint" preprocessor.
        #expect(ControlNetCatalog.module(named: "inpaint_global_harmonious")?.name == "inpaint")
        #expect(ControlNetCatalog.controlType(forModule: "inpaint_global_harmonious")?.serviceName == "inpaint")
    }

    @Test func samplersUseTheNamesTheServiceSends() {
        #expect(ControlNetCatalog.samplers.first == "DPM++ 2M Karras")
        #expect(ControlNetCatalog.unitResizeModes == ["Just Resize", "Crop and Resize", "Resize and Fill"])
        #expect(ControlNetCatalog.controlModes.first == "Balanced")
    }
}
