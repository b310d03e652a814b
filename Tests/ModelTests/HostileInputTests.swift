import Foundation
import Testing
@testable import Model

/// Issue 8: values from outside that used to crash or stall zqt.
@Suite struct HostileInputTests {
    @Test func anObjectWithAHundredThousandKeysParsesAtOnce() throws {
        // Each key was checked against every earlier one: 25 s for 100,000 keys.
        var text = "{"
        for index in 0..<100_000 { text += "\"k\(index)\": \(index)," }
        text += "\"k7\": \"last wins\"}"
        // The thread's CPU time, not the clock's: a loaded machine lengthens the wait, not the work.
        func cpuSeconds() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        }
        let started = cpuSeconds()
        let value = try JSONParser.parse(text)
        let spent = cpuSeconds() - started
        #expect(spent < 5, "quadratic no more (it took 25 s); \(spent) s of CPU")
        let members = try #require(value.objectValue)
        #expect(members.count == 100_000)
        #expect(members[7].key == "k7" && members[7].value == .string("last wins"), "a repeated key keeps its place, the last value wins")
        #expect(members.last?.key == "k99999")
    }

    @Test func numbersThatFitNoIntNeverTrap() throws {
        for text in ["1e300", "-1e300", "1e20", "9223372036854775807.5", "1.5"] {
            let number = try #require(Double(text))
            #expect(WholeNumber.from(number) == nil, "\(text)")
        }
        #expect(WholeNumber.from(12) == 12)
        #expect(WholeNumber.rounded(.nan, in: 0...10) == 0 && WholeNumber.rounded(1e300, in: 0...10) == 10)
        let huge = try JSONParser.parse(#"{"rows": [{"id": 1e300}], "total": 1e300, "pageSize": -1e300, "pageNum": 1.5}"#)
        let page = ModelListPage(data: huge)
        #expect(page.rows.first?.id == nil && page.total == 1 && page.pageNum == 1)
    }

    @Test func aHistoryWithImpossibleNumbersStillOpensAndLists() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let id = try store.recordSending(HistoryStoreTests.request("a cat"), baseURL: "http://x", profile: "p")
        // A damaged or hand-edited file: REALs where integers belong, instants beyond any calendar.
        let raw = try SQLiteConnection(path: history.path)
        try raw.execute("""
            UPDATE submission SET image_count = 1e300, task_status = -1e300, created_at = 1e300, submitted_at = -1e300,
                                  finished_at = 1e300, progress = 1e300 WHERE id = \(id);
            INSERT INTO result (submission_id, position, image_url, seed) VALUES (\(id), 0, 'https://x/0.png', 1e300);
            """)
        let rows = try store.list()
        #expect(rows.count == 1 && rows.first?.imageCount == 0, "an image count of 1e300 reads as none")
        let record = try #require(try store.record(id: id))
        #expect(record.results.first?.seed == nil, "a seed of 1e300 is no seed")
        _ = CivilTime.local(record.createdAt).dateAndMinute  // never a trap
        _ = CivilTime(Date(timeIntervalSince1970: .nan))
    }

    @Test func anAnswerOverAMegabyteIsKeptAsItsStartAndSize() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let request = HistoryStoreTests.request("a cat")
        let id = try store.recordSending(request, baseURL: "http://x", profile: "p")
        let huge = "{\"code\": \"500\", \"msg\": \"" + String(repeating: "x", count: 3 << 20) + "\"}"
        try store.recordSendFailed(id: id, error: "HTTP 500", httpStatus: 500, response: huge)
        let kept = try #require(try store.record(id: id)?.responseJSON)
        #expect(kept.utf8.count < 70_000)
        #expect(kept.hasPrefix("{\"code\": \"500\""))
        #expect(kept.hasSuffix("(\(huge.utf8.count) bytes in all; the first 65,536 kept)"))
        #expect(try FileManager.default.attributesOfItem(atPath: history.path)[.size] as? Int ?? 0 < 2 << 20)
    }
}
