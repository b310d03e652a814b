// The config file's TOML, turned into JSON text behind one C function.
//
// This library is never linked into zqt: ConfigFile loads it with dlopen
// only when a config file exists, since TOMLKit pulls in the full
// Foundation and a start without a config file must not pay for it. The
// JSON is then read by zqt's own JSON parser, so nothing of TOMLKit's types
// crosses the boundary.

import TOMLKit
#if canImport(Glibc)
import Glibc
#endif

/// Parses `text` as TOML. On success returns 0 and sets `*result` to the
/// document as JSON; on a parse error returns 1 and sets `*result` to
/// "LINE\tCOLUMN\tMESSAGE". `*result` is malloc'ed: the caller frees it.
@_cdecl("zqt_toml_to_json")
public func zqtTOMLToJSON(_ text: UnsafePointer<CChar>, _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    let source = String(cString: text)
    do {
        let table = try TOMLTable(string: source)
        // Dates and times as strings: zqt's JSON reader has no date type.
        result.pointee = strdup(table.convert(to: .json, options: .quoteDateAndTimes))
        return 0
    } catch let error as TOMLParseError {
        result.pointee = strdup("\(error.source.begin.line)\t\(error.source.begin.column)\t\(error.description)")
        return 1
    } catch {
        result.pointee = strdup("0\t0\t\(error)")
        return 1
    }
}
