// A1111's infotext, the text it writes into each PNG as `parameters` and
// answers in `info.infotexts` (processing.py create_infotext):
//
//   prompt
//   Negative prompt: …                       (only when there is one)
//   Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: …, Model: …, Version: …
//
// and its reading back for /sdapi/v1/png-info (infotext_utils.py
// parse_generation_parameters): each "Key: value" a string, a size
// "WxH" split into "Key-1" and "Key-2".

import Model

enum A1111Infotext {
    /// The infotext line: keys in A1111's order, a pair left out when its value is nil.
    static func text(prompt: String, negativePrompt: String, pairs: [(String, String?)]) -> String {
        let line = pairs.compactMap { key, value in value.map { "\(key): \(quote($0))" } }.joined(separator: ", ")
        return prompt + (negativePrompt.isEmpty ? "" : "\nNegative prompt: \(negativePrompt)") + "\n" + line
    }

    /// A value holding ',', ':' or a newline is written as a JSON string (A1111's quote()).
    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == ":" || $0 == "\n" || $0 == "\"" }) else { return text }
        var out = ""
        JSONWriter.writeString(text, into: &out)
        return out
    }

    /// A number as A1111 prints it: whole numbers without a fraction.
    static func number(_ value: Double) -> String { JSONWriter.formatNumber(value) }

    // MARK: Reading

    /// The png-info answer's `parameters`: Prompt, Negative prompt, and every pair as text.
    static func parse(_ text: String) -> JSONValue {
        let (prompt, negative, pairs) = A1111Parameters.split(text, minimumPairs: 1)
        var members: [(key: String, value: JSONValue)] = [
            ("Prompt", .string(prompt)),
            ("Negative prompt", .string(negative)),
        ]
        for (key, value) in pairs {
            let size = value.split(separator: "x")
            if size.count == 2, Int(size[0]) != nil, Int(size[1]) != nil {
                members.append(("\(key)-1", .string(String(size[0]))))
                members.append(("\(key)-2", .string(String(size[1]))))
            } else {
                members.append((key, .string(value)))
            }
        }
        return .object(members)
    }
}
