import Foundation
import Testing
@testable import Model

/// Issue 10's sweeps: reading `--sweep` specs, expanding them into requests,
/// and the batch id that joins their history rows.
struct SweepTests {
    static func parse(_ specs: String...) throws(SweepSpecError) -> Sweep { try Sweep.parse(specs) }

    @Test func combinationsComeInNestedLoopOrderTheFirstSpecSlowest() throws {
        let sweep = try Self.parse("cfg_scale=5,7,9", "steps=20,30")
        #expect(sweep.count == 6)
        #expect(sweep.points.map(\.label) == [
            "cfg_scale=5 steps=20", "cfg_scale=5 steps=30", "cfg_scale=7 steps=20",
            "cfg_scale=7 steps=30", "cfg_scale=9 steps=20", "cfg_scale=9 steps=30",
        ])
    }

    @Test func valuesAreJSONElseTextAndCommasInsideBracketsOrStringsDoNotSplit() throws {
        let axis = try Sweep.parseAxis(#"x= 7 , 1.5,true,null,"a, b",[1, [2,3]],{"k": "v,w"},a cat , 一只猫"#)
        #expect(axis.values == [
            .int(7), .double(1.5), .bool(true), .null, .string("a, b"),
            .array([.int(1), .array([.int(2), .int(3)])]),
            .object([(key: "k", value: .string("v,w"))]),
            .string("a cat"), .string("一只猫"),
        ])
        #expect(axis.texts[5] == "[1, [2,3]]", "the table shows what was typed")
        // An escaped quote does not end the string.
        #expect(try Sweep.parseAxis(#"prompt="say \"hi, there\"",b"#).values == [.string(#"say "hi, there""#), .string("b")])
        #expect(try Sweep.parseAxis(#"prompt="""#).values == [.string("")], "\"\" is how to send an empty string")
        // A value may itself hold '=': only the first one ends the path.
        #expect(try Sweep.parseAxis("prompt=a=b").values == [.string("a=b")])
    }

    @Test func malformedSpecsAreRefusedWithTheSpecAndWhy() {
        func refusal(_ specs: String...) -> SweepSpecError? {
            do { _ = try Sweep.parse(specs); return nil } catch { return error }
        }
        #expect(refusal("cfg_scale") == .notKeyValue("cfg_scale"))
        #expect(refusal("=5,7") == .notKeyValue("=5,7"))
        #expect(refusal("steps=") == .emptyValue(spec: "steps=", position: 1))
        #expect(refusal("steps=20,,30") == .emptyValue(spec: "steps=20,,30", position: 2))
        #expect(refusal("steps=20,") == .emptyValue(spec: "steps=20,", position: 2))
        #expect(refusal("a..b=1") == .badPath(spec: "a..b=1", path: "a..b"))
        #expect(refusal("[0]=1") == .badPath(spec: "[0]=1", path: "[0]"))
        #expect(refusal("a b=1") == .badPath(spec: "a b=1", path: "a b"))
        for path in ["args[0", "args[]", "args[x]", "args]", "args[0]x", "args[-1]", "args[99999999999999999999]", "[0].a"] {
            #expect(refusal(path + "=1") == .badPath(spec: path + "=1", path: path), "\(path)")
        }
        #expect(refusal("alwayson_scripts.controlnet.args[0].weight=1", "a[1][2].b=2") == nil)
        if case .unbalanced? = refusal("x=[1,2") {} else { Issue.record("an unclosed bracket") }
        if case .unbalanced? = refusal("x=1]") {} else { Issue.record("a closing bracket alone") }
        if case .unbalanced? = refusal(#"x="open,b"#) {} else { Issue.record("an unclosed string") }
        #expect(refusal("steps=20", "steps=30") == .repeatedPath("steps"))
        #expect(refusal("a=" + (0..<40).map(String.init).joined(separator: ","), "b=" + (0..<40).map(String.init).joined(separator: ","))
                == .tooMany(Sweep.maxCombinations))
        // Sizes whose product overflows Int are refused, not trapped.
        let big = "=" + (0..<1001).map(String.init).joined(separator: ",")
        #expect(refusal("a" + big) == .tooMany(Sweep.maxCombinations))
        #expect(SweepSpecError.emptyValue(spec: "steps=", position: 1).description.contains("--sweep steps="))
    }

    @Test func eachRequestHasItsPointsValuesAndATaskIDOfItsOwn() throws {
        let base = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let sweep = try Self.parse("alwayson_scripts.controlnet.args[0].weight=0.5,1", "prompt=a cat,a dog", "not_a_field=[1]")
        let ids = TaskIDGenerator(prefix: "t")
        let requests = try sweep.requests(from: base, nextTaskID: ids.next)
        #expect(requests.count == 4)
        #expect(Set(requests.map(\.request.taskID)).count == 4 && !requests.contains { $0.request.taskID == base.taskID })
        #expect(requests.map { $0.request["alwayson_scripts.controlnet.args[0].weight"] } == [.double(0.5), .double(0.5), .int(1), .int(1)])
        #expect(requests.map(\.request.prompt) == ["a cat", "a dog", "a cat", "a dog"])
        // Everything else in the unit is kept, and an unknown path is sent as given.
        let model = "alwayson_scripts.controlnet.args[0].model"
        #expect(requests[0].request.wireValue.value(at: model) != nil)
        #expect(requests[0].request.wireValue.value(at: model) == base.wireValue.value(at: model))
        #expect(requests[3].request.wireValue["not_a_field"] == .array([.int(1)]))
        #expect(requests[1].point.label == "alwayson_scripts.controlnet.args[0].weight=0.5 prompt=\"a dog\" not_a_field=[1]")
    }

    /// Issue 18: a sweep makes each request when it sends it, the same one
    /// `requests(from:)` would have made up front.
    @Test func aPointsRequestMadeWhenSentIsTheOneMadeUpFront() throws {
        let base = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let sweep = try Self.parse("cfg_scale=5,7", "seed=1,2,3")
        try sweep.check(base)
        let upFront = try sweep.requests(from: base, nextTaskID: { "t" })
        let points = sweep.points
        #expect(points.count == 6)
        for (index, point) in points.enumerated() {
            let made = try sweep.request(at: point, from: base, taskID: "t")
            #expect(made.wireJSON == upFront[index].request.wireJSON)
            #expect(point.label == upFront[index].point.label)
        }
        #expect(throws: SweepSpecError.self) { try Self.parse("alwayson_scripts.id_task=a,b").check(base) }
    }

    @Test func aPathTheRequestCannotHoldOrTheTaskIDIsRefused() throws {
        let base = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        func refusal(_ spec: String) -> SweepSpecError? {
            do { _ = try Sweep.parse([spec]).requests(from: base, nextTaskID: { "x" }); return nil } catch { return error }
        }
        #expect(refusal("alwayson_scripts.id_task=a,b") == .taskIDPath("alwayson_scripts.id_task"))
        guard case let .cannotSet(path, reason)? = refusal("alwayson_scripts.controlnet.args[5].weight=1") else {
            Issue.record("an index past the end is refused")
            return
        }
        #expect(path == "alwayson_scripts.controlnet.args[5].weight")
        #expect(reason.contains("alwayson_scripts.controlnet.args has 1 item; [5] is past its end"), "\(reason)")
        guard case let .cannotSet(_, why)? = refusal("steps.x=1") else {
            Issue.record("a step into a number is refused")
            return
        }
        #expect(why.contains("steps is a number"), "\(why)")
        // One past the end appends, as the form's "add a unit" does.
        #expect(refusal("alwayson_scripts.controlnet.args[1].weight=1") == nil)
    }
}
