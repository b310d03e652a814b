import Foundation
import Testing
@testable import Model

/// Every decoder of outside input fed generated inputs (issue 8): mutations
/// of real documents and random bytes, from a fixed seed so a failure
/// repeats. A crash or hang fails the run; the count is the figure. CI runs
/// 1,500 inputs per decoder; ZQT_FUZZ_ITERATIONS sets more for a long run.
@Suite struct DecoderFuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["ZQT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 1_500

    /// SplitMix64: small, fast, the same sequence for the same seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [String] = [
        BundledExamples.controlNetJSON,
        #"{"code":"200","msg":"success","data":{"taskId":"11895411","status":1,"outputImageUrl":"https://x/y.png"}}"#,
        #"{"code":"200","msg":"success","data":{"status":0,"prompts":["a girl, masterpiece"],"taskId":"1"}}"#,
        #"{"code":"200","data":{"task_id":"2","status":2,"desc":"Success","temporaryImageDto":{"progress":0.5},"differentialImageRspList":[{"image_url":"https://x/0.png","seed":1221212,"image_status":1,"img_audit_status":true,"img_audit":[{"label":"nonLabel"}]}]}}"#,
        #"{"rows":[{"id":1,"sdModelCheckpoint":"a.safetensors","sdModelName":"A","modelBaseModel":"SD 1.5"}],"total":1,"pageSize":10,"pageNum":1}"#,
        EndpointCatalog.shippedJSON,
        #"{"prompt":"p","alwayson_scripts":{"id_task":"t","controlnet":{"args":[{"module":"canny","weight":"0.5"}]}}}"#,
        // A config file (issue 16: toml++ reads it in process).
        #"""
        default_profile = "w"
        [profiles.w]
        base_url = "http://x"
        access_key_secret = "s\t\u00e9"
        key_secret_command = '''pass "x"'''
        [defaults]
        steps = 30
        cfg_scale = 7.5
        override_settings.sd_vae = "v"
        size = [512, {a.b = 1979-05-27T07:32:00Z}, 0x1F, 1e3, inf]
        [[keys.x]]
        """#,
    ]

    /// A mutation of a seed: bytes flipped, cut, repeated, spliced with JSON punctuation and odd numbers.
    static func mutate(_ text: String, _ random: inout Generator) -> [UInt8] {
        var bytes = Array(text.utf8)
        let tokens: [[UInt8]] = ["1e400", "-0", "1e300", "NaN", "\u{0}", "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true",
                                 "\"\\ud800\"", "\u{1B}[2J", "9223372036854775808", "\u{FF}\u{FE}"].map { Array($0.utf8) }
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &random)))
            case 2: bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: at)
            case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 32)], at: at)
            default: bytes = Array(bytes[..<at])
            }
        }
        return bytes
    }

    static func inputs(_ seed: UInt64) -> [[UInt8]] {
        var random = Generator(state: seed)
        return (0..<iterations).map { index in
            if index % 10 == 0 { return (0..<Int.random(in: 0...256, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) } }
            return mutate(seeds.randomElement(using: &random)!, &random)
        }
    }

    /// A minute of work on a loaded machine: on a thread of its own, not one
    /// of the two threads of Swift's pool, where it held up every test that
    /// waits for a send, a poll or an inbox until their deadlines passed.
    @Test func everyDecoderTakesGeneratedInputsWithoutACrash() async throws {
        try await onAThreadOfItsOwn {
            var parsed = 0
            for bytes in Self.inputs(1) + Self.inputs(2) where DecoderExercise.run(bytes) { parsed += 1 }
            #expect(parsed > 0, "some mutations are still JSON")
        }
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let deepObject = String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deepObject) }
    }
}
