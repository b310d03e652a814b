// What a history row shows of its request (issue 19): the prompt, else its
// main input, so a tool's row (face swap, hairstyle, a description) says
// what it was given rather than "(no prompt)": the pictures it sends by file
// name, the face first, and how many for a list of faces.

extension Request {
    /// The prompt when there is one, else the pictures the request sends
    /// ("face.png → body.png"), else "" (the row says it has no prompt).
    public var headline: String {
        if !prompt.trimmed.isEmpty { return prompt }
        var pictures: [String] = []
        for field in endpoint.fields where field.role != .callback {
            switch (field.kind, wireValue(of: field)) {
            case let (.url, .string(text)?) where !text.trimmed.isEmpty:
                pictures.append(Self.fileName(text))
            case let (.urlList, .array(items)?) where !items.isEmpty:
                pictures.append(items.count == 1 ? items[0].stringValue.map(Self.fileName) ?? "1 picture" : "\(items.count) pictures")
            default:
                continue
            }
        }
        return pictures.joined(separator: " → ")
    }

    /// The last part of a URL's or a path's name, without a query; the text itself when it has none.
    static func fileName(_ text: String) -> String {
        let path = text.split(separator: "?", maxSplits: 1).first.map(String.init) ?? text
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return (name.removingPercentEncodingSafely ?? name).trimmed
    }
}

private extension String {
    /// %XX sequences as the characters they stand for, when they are valid UTF-8; nil otherwise.
    var removingPercentEncodingSafely: String? {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
