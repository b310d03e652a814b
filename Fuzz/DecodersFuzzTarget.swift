// libFuzzer's entry for every decoder of outside input (issue 8): service
// answers (envelopes, task queries of each family, model lists), request
// files for every endpoint, catalog documents, and text printed on a
// terminal. Built and run by scripts/fuzz.sh; not part of the package.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    _ = TerminalText.printable(text)
    _ = try? EndpointCatalog(json: text)
    guard let value = try? JSONParser.parse(bytes: bytes) else { return 0 }
    _ = Envelope(value)
    for family in [Family.sd, .tool(code: "comfyui/text2image"), .tool(code: "prompts/expand"), .training] {
        let info = TaskInfo(data: value["data"] ?? value, family: family)
        _ = SubmissionState(info)
    }
    _ = ModelListPage(data: value)
    for endpoint in EndpointCatalog.shipped.endpoints {
        let request = Request(endpoint: endpoint, body: value)
        _ = request.wireJSON
        _ = RequestValidator.validate(request)
        _ = request.outputSize
        _ = request.imageCount
        _ = request.controlNetUnits
    }
    return 0
}
