// libFuzzer's entry: every decoder of outside input (DecoderExercise, shared
// with the generated-input tests). Built and run by scripts/fuzz.sh; not part
// of the package.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    DecoderExercise.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
