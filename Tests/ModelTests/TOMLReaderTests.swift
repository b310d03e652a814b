// The config file's TOML read in process by toml++ (issue 16): every TOML
// value type maps to JSON as the TOMLKit route did (integers stay integers,
// floats keep their point, dates and times are quoted as TOML writes them),
// keys keep the file's order, and a fault says its line, column and what is
// wrong in plain words.

import Testing
@testable import Model

@Suite struct TOMLReaderTests {
    static func json(_ toml: String) throws -> String {
        try TOMLReader.toJSON(toml).get()
    }

    static func fault(_ toml: String) -> TOMLReadError? {
        if case let .failure(error) = TOMLReader.toJSON(toml) { return error }
        return nil
    }

    @Test func everyValueTypeMapsToJSON() throws {
        let toml = #"""
            int = 42
            negative = -17
            hex = 0xDEADBEEF
            octal = 0o755
            binary = 0b1101
            grouped = 1_000_000
            largest = 9223372036854775807
            smallest = -9223372036854775808
            float = 7.5
            whole_float = 3.0
            exponent = 1e20
            small = 6.626e-34
            negative_zero = -0.0
            yes = true
            no = false
            basic = "tab\tquote\"backslash\\newline\nescape\u001Bdelete\u007Fé\U0001F600"
            literal = 'C:\no\escapes'
            multiline = """
            two
            lines"""
            empty = ""
            array = [1, 2, 3]
            mixed = [1, "two", 3.5, true, [4], {five = 5}]
            inline = {a = 1, b = {c = "d"}}
            offset_date_time = 1979-05-27T07:32:00-08:00
            utc = 1979-05-27T07:32:00Z
            fraction = 1979-05-27T00:32:00.999999+05:30
            local_date_time = 1979-05-27T07:32:00
            local_date = 1979-05-27
            local_time = 07:32:00.5
            "quoted key" = 1
            dotted.key = 2

            [table]
            z = 1
            a = 2

            [[array_of_tables]]
            n = 1

            [[array_of_tables]]
            n = 2
            """#
        let expected = #"""
            {"int":42,"negative":-17,"hex":3735928559,"octal":493,"binary":13,"grouped":1000000,\#
            "largest":9223372036854775807,"smallest":-9223372036854775808,\#
            "float":7.5,"whole_float":3.0,"exponent":1e+20,"small":6.626e-34,"negative_zero":-0.0,\#
            "yes":true,"no":false,\#
            "basic":"tab\tquote\"backslash\\newline\nescape\u001Bdelete\u007Fé😀",\#
            "literal":"C:\\no\\escapes","multiline":"two\nlines","empty":"",\#
            "array":[1,2,3],"mixed":[1,"two",3.5,true,[4],{"five":5}],"inline":{"a":1,"b":{"c":"d"}},\#
            "offset_date_time":"1979-05-27T07:32:00-08:00","utc":"1979-05-27T07:32:00Z",\#
            "fraction":"1979-05-27T00:32:00.999999+05:30","local_date_time":"1979-05-27T07:32:00",\#
            "local_date":"1979-05-27","local_time":"07:32:00.5",\#
            "quoted key":1,"dotted":{"key":2},\#
            "table":{"z":1,"a":2},"array_of_tables":[{"n":1},{"n":2}]}
            """#
        let text = try Self.json(toml)
        #expect(text == expected)

        // What ConfigFile reads: integers as Int, floats as Double, never one for the other.
        let root = try JSONParser.parse(text)
        guard case .int(42) = root["int"], case .int(Int.max) = root["largest"], case .int(Int.min) = root["smallest"],
              case .double(3.0) = root["whole_float"], case .double(7.5) = root["float"], case .double(1e20) = root["exponent"],
              case .bool(true) = root["yes"] else {
            Issue.record("a value changed type: \(text)")
            return
        }
        #expect(root["basic"]?.stringValue == "tab\tquote\"backslash\\newline\nescape\u{1B}delete\u{7F}é😀")
        #expect(root["literal"]?.stringValue == #"C:\no\escapes"#)
    }

    @Test func keysKeepTheFilesOrder() throws {
        // toml++ keeps a table's keys sorted; the JSON says them as written.
        #expect(try Self.json("b = 1\na = 2\n[z]\ny = 1\nx = 2\n[c.d]\ne = 1\n[c]\nf = 2\n")
                == #"{"b":1,"a":2,"z":{"y":1,"x":2},"c":{"d":{"e":1},"f":2}}"#)
        #expect(try Self.json("") == "{}")
    }

    @Test func infinityAndNaNAreFaultsWithTheirPlace() throws {
        let infinity = try #require(Self.fault("a = 1\nb = inf\n"))
        #expect(infinity.line == 2 && infinity.column == 5)
        let nan = try #require(Self.fault("[defaults]\ncfg_scale = -nan\n"))
        #expect(nan.line == 2 && nan.column == 13)
        #expect(nan.message.contains("inf and nan"))
    }

    /// toml++ walks and frees tables recursively: a dotted key of 200,000
    /// parts (400 KB, under the 1 MiB zqt reads) crashed it on an 8 MB stack.
    /// Past 1,000 dots and brackets outside strings and comments, the file is
    /// a fault at the first one too many; those in strings and comments do not count.
    @Test func deepNestingIsAFaultNotACrash() throws {
        let dotted = try #require(Self.fault("a" + String(repeating: ".a", count: 200_000) + " = 1\n"))
        #expect(dotted.line == 1 && dotted.column == 2002)
        #expect(dotted.message.hasPrefix("holds more than 1000 dots and brackets outside strings and comments"))
        let header = try #require(Self.fault("x = 1\n[" + String(repeating: "a.", count: 100_000) + "a]\n"))
        #expect(header.line == 2 && header.column == 2001)  // the [ counts too
        let inline = try #require(Self.fault("a = " + String(repeating: "[{b = ", count: 100_000)))
        #expect(inline.line == 1 && inline.column == 3005)

        // Strings with escaped quotes, multi-line strings closed by five quotes, comments.
        let dots = String(repeating: ".[{", count: 2_000)
        let toml = """
            # \(dots)
            basic = "\(dots)\\"\\\\" # \(dots)
            literal = '\(dots)'
            multi = \"\"\"\(dots)\\\"\"\"\"\"
            lines = '''\(dots)'''''
            [\(String(repeating: "a.", count: 999))a]
            """
        let json = try Self.json(toml)
        #expect(json.hasPrefix(#"{"basic":"\#(dots)\"\\","literal":"\#(dots)","multi":"\#(dots)\"\"","lines":"\#(dots)''","a":{"a":"#))
    }

    /// Each row: the text, the fault's line and column, its message. The
    /// messages are what users read after "FILE:LINE:COLUMN: ".
    @Test func faultsSayWhereAndWhatInPlainWords() throws {
        let rows: [(String, Int, Int, String)] = [
            ("base_url = \"https://x\nkey = 1\n", 1, 22, "the string is not closed: its closing quote is missing on this line"),
            ("base_url = \"https://x", 1, 22, "the string is not closed: its closing quote is missing"),
            ("a = \"x\u{1}y\"\n", 1, 7, "a string cannot hold the control character U+0001; write it as an escape such as \\n or \\u001B"),
            ("theme = dark\n", 1, 9, "this is not a TOML value: text needs quotes (\"like this\"); numbers, true, false, dates, [arrays] and {tables} do not"),
            ("a = 1\na = 2\n", 2, 5, "a is already defined above (as an integer); a key or table is written once"),
            ("[a]\n[a]\n", 2, 1, "a is already defined above (as a table); a key or table is written once"),
            ("a = 1 b = 2\n", 1, 7, "expected the end of the line after a key = value line, not 'b' (one key = value per line)"),
            ("access key = 1\n", 1, 8, "expected = after the key, not 'k' (a name needs quotes unless it is only ASCII letters, digits, - and _)"),
            ("= 1\n", 1, 1, "expected a line such as key = value, a [table] or a # comment, not '='"),
            ("a = [1, 2\n", 1, 11, "the array is not closed: its ] is missing"),
            ("[profiles.work\n", 1, 15, "the table header is not closed: its ] is missing"),
            ("a = 99999999999999999999\n", 1, 25, "99999999999999999999 is too large for a whole number (at most 9223372036854775807)"),
            ("a = 07\n", 1, 7, "a number cannot start with 0 (write 7, not 07)"),
            ("a = \"C:\\q\"\n", 1, 9, "unknown escape '\\q' in a string: use \\\\ for a backslash, or a 'literal string' in single quotes"),
            ("a = [1,,2]\n", 1, 8, "in an array: expected value or closing ']', found comma"),
            // toml++ 3.3 asserted here (an abort in zqt) before it said the fault.
            ("[profiles.café]\n", 1, 14, "expected ] to end the table header, not 'é' (a name needs quotes unless it is only ASCII letters, digits, - and _)"),
            ("[é]\n", 1, 2, "a name needs quotes unless it is only ASCII letters, digits, - and _ (found 'é')"),
            ("[[é]]\n", 1, 3, "a name needs quotes unless it is only ASCII letters, digits, - and _ (found 'é')"),
            ("[a b]\n", 1, 4, "expected ] to end the table header, not 'b' (a name needs quotes unless it is only ASCII letters, digits, - and _)"),
            ("a =\n", 1, 4, "the value after = is missing"),
            ("a = 1.\n", 1, 7, "in a number: expected decimal digit, found the end of the line"),
            ("a = truee\n", 1, 9, "in a boolean: expected the end of the value, found 'e'"),
        ]
        for (text, line, column, message) in rows {
            let fault = try #require(Self.fault(text), "\(text.debugDescription) must be a fault")
            #expect(fault.line == line && fault.column == column, "\(text.debugDescription): \(fault)")
            #expect(fault.message == message, "\(text.debugDescription)")
        }
    }
}
