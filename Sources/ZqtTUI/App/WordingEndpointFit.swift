// What the command line says of the endpoint a request body fits, when no
// --endpoint is given (EndpointNames.infer, `zqt validate FILE --fits`).

import Model

extension Wording {
    /// A refusal names at most this many endpoints; `zqt validate FILE --fits` lists them all.
    static let fitNamesShown = RequestImport.tieNamesShown

    /// Two or more fit alike (issue 19: twelve names joined with "or" were no help):
    /// two or three are named with the flag for each; more, the first few and the command that lists all.
    static func fitsEqually(_ names: [String], kind: String, file: String?) -> String {
        guard names.count > fitNamesShown else {
            return "the body fits \(names.joined(separator: " and ")) equally\(kind): "
                + "give --endpoint \(names.joined(separator: " or --endpoint "))"
        }
        let shown = names.prefix(fitNamesShown).joined(separator: ", ")
        return "the body fits \(names.count) endpoints\(kind) equally (\(shown) and \(names.count - fitNamesShown) more): "
            + "give --endpoint NAME; zqt validate \(fileWord(file)) --fits lists them all"
    }

    static func fitsNone(kind: String, names: String) -> String {
        "no endpoint\(kind) has a field the body names: give --endpoint NAME (\(names))"
    }

    /// Under `zqt validate FILE --fits`'s list, on stderr.
    static func fitsListed(_ count: Int, chosen: String?) -> String {
        if let chosen {
            return count == 1 ? "note: only \(chosen) fits; zqt send and validate choose it"
                : "note: \(count) endpoints fit; zqt send and validate choose \(chosen), the first (--endpoint NAME chooses another)"
        }
        return "note: \(count) endpoints fit equally; zqt send and validate refuse it without --endpoint NAME"
    }

    /// The body's file as a shell word, for a command to copy; FILE for standard input.
    private static func fileWord(_ file: String?) -> String {
        guard let file, file != "-", !file.isEmpty else { return "FILE" }
        let path = TerminalText.printable(file)
        let plain = path.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._-+,:@%".unicodeScalars.contains($0)
        }
        return plain ? path : RequestExport.shellQuoted(path)
    }

    /// `zqt convert --to a1111` of a body that is no zhiqite SD request (newcomer20g 4: it advised --endpoint flux,
    /// which convert then refused): what it fits, and that only the SD three move.
    static func convertNothingToA1111(fits names: [String]) -> String {
        let shown = names.prefix(fitNamesShown).joined(separator: ", ") + (names.count > fitNamesShown ? "…" : "")
        let what = names.isEmpty ? "no zhiqite endpoint has a field it names" : "its fields fit \(shown), which have no AUTOMATIC1111 counterpart"
        return "not a zhiqite text2image, image2image or controlnet request (\(what)); only those move to AUTOMATIC1111: nothing converted"
    }
}
