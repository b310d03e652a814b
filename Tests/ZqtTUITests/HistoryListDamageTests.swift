import Foundation
import TestScratch
import Model
import Testing

/// Issue 21: damage on the pages of a row's pictures (the result table) is
/// met only by a whole read, so `zqt history list` (short columns) printed rows
/// that `zqt history show` then could not read. The list marks them, counts
/// them at the end and exits 2, as `zqt history check` does for damage.
@Suite struct HistoryListDamageTests {
    @Test func aRowShowCannotReadIsMarkedInTheListCountedAndTheListExitsTwo() throws {
        let scratch = Scratch()
        let home = try HistoryRepairCommandTests.home(in: scratch)
        let path = home + "/" + HistoryStore.fileName
        // Each row with pictures whose links fill table pages of their own: the list counts them from an
        // index, `show` reads them from the table.
        let marker = { (index: Int) in "ZQTMARK-\(index < 10 ? "0" : "")\(index)-" }
        do {
            let store = try HistoryStore.open(inFolder: home)
            try store.inOneTransaction {
                for index in 0..<12 {
                    var request = Request.new(for: .controlNet, taskID: "zqt-listdamage-\(index)")
                    request["prompt"] = .string("harbour \(index)")
                    let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
                    let pictures = (0..<8).map { position in
                        #"{"image_url": "http://x/\#(String(repeating: marker(index), count: 80))/\#(position).png", "seed": \#(position)}"#
                    }
                    try store.recordTaskInfo(id: id, info: TaskInfo(data: try JSONParser.parse(
                        #"{"status": 2, "desc": "Success", "differentialImageRspList": [\#(pictures.joined(separator: ", "))]}"#)))
                }
            }
        }
        #expect(try HistoryRepairCommandTests.zqt(["history", "list"], home: home).status == 0)

        // A table page that holds only row 5's pictures overwritten.
        var bytes = try #require(FileManager.default.contents(atPath: path))
        let pageSize = 4096
        let others = (0..<12).filter { $0 != 5 }.map { Data(marker($0).utf8) }
        let page = try #require((1..<bytes.count / pageSize).first { page in
            let content = Data(bytes[page * pageSize..<(page + 1) * pageSize])
            return content.first == 0x0D && content.range(of: Data(marker(5).utf8)) != nil
                && content.range(of: Data("harbour".utf8)) == nil && others.allSatisfy { content.range(of: $0) == nil }
        }, "a table page of row 5's pictures alone")
        bytes.replaceSubrange(page * pageSize..<(page + 1) * pageSize, with: Data((0..<pageSize).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }))
        try bytes.write(to: URL(fileURLWithPath: path))

        let show = try HistoryRepairCommandTests.zqt(["history", "show", "zqt-listdamage-5"], home: home)
        #expect(show.status == 2, "show cannot read it: \(show.stderr)")
        let list = try HistoryRepairCommandTests.zqt(["history", "list"], home: home)
        #expect(list.status == 2, "exit 2, as `zqt history check` for damage: \(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 12, "every row the list can read is listed: \(list.stdout)")
        let marked = lines.filter { $0.contains("[damaged]") }
        #expect(marked.count == 1 && marked.first?.hasPrefix("zqt-listdamage-5\t") == true, "\(list.stdout)")
        #expect(list.stderr.contains("1 of the 12 rows listed is damaged (marked [damaged])"), "\(list.stderr)")
        #expect(list.stderr.contains("zqt history recover"), "\(list.stderr)")
        let json = try HistoryRepairCommandTests.zqt(["history", "list", "--json"], home: home)
        #expect(json.status == 2)
        #expect(json.stdout.split(separator: "\n").filter { $0.contains("\"damaged\":true") }.count == 1, "\(json.stdout)")
        for index in [0, 4, 6, 11] {
            #expect(try HistoryRepairCommandTests.zqt(["history", "show", "zqt-listdamage-\(index)"], home: home).status == 0,
                    "the other rows read whole")
        }
    }
}
