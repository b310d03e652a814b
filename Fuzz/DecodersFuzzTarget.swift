// libFuzzer's entry: the decoders of one kind of outside input
// (DecoderExercise.targets, shared with the generated-input tests), chosen
// by ZQT_FUZZ_TARGET; `all` or no name feeds every decoder, `list` prints
// the targets. Built and run by
// scripts/fuzz.sh; not part of the package.

#if canImport(Glibc)
import Glibc
#endif

nonisolated(unsafe) private var chosen: (@Sendable ([UInt8]) -> Bool)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    let name = getenv("ZQT_FUZZ_TARGET").map { String(cString: $0) } ?? "all"
    if name == "list" {
        for target in DecoderExercise.targets { print("\(target.name)\t\(target.source)") }
        exit(0)
    } else if name == "all" {
        chosen = { DecoderExercise.run($0) }
    } else if let target = DecoderExercise.target(named: name) {
        chosen = target.run
    } else {
        let names = DecoderExercise.targets.map(\.name).joined(separator: ", ")
        fputs("ZQT_FUZZ_TARGET=\(name) is not a target; the targets: all, \(names)\n", stderr)
        exit(2)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = chosen?(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
