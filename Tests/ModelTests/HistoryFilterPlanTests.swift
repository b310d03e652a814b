import Foundation
import Synchronization
import Testing
@testable import Model

/// The filter over several words (issue 18) and over endpoints (issue 19):
/// whatever the plan, a filter of several words finds exactly the rows every
/// one of its words finds alone, newest first, page after page; an endpoint
/// is found by the name the history shows, and `endpoint:NAME` narrows.
@Suite struct HistoryFilterPlanTests {
    static let prompts = ["a lighthouse at dusk, soft light", "portrait of a cat, 85mm", "灯塔雨夜, cinematic",
                          "一只猫在雨中, 动漫风格", "a red bicycle in the snow, studio lighting", "Lighthouse keeper's cat, 灯",
                          "mountain lake, Highly detailed"]
    static let models = ["photon_v1.safetensors", "revAnimated_v122.safetensors", "dreamshaper_8.safetensors"]

    /// 84 rows: every prompt with every model, four times; every fifth failed.
    static func filled() throws -> (TemporaryHistory, HistoryStore) {
        let history = TemporaryHistory()
        let store = try history.open()
        for index in 0..<84 {
            let request = HistoryStoreTests.request(prompts[index % prompts.count], model: models[index % models.count])
            let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
            if index % 5 == 0 { try store.recordSendFailed(id: id, error: "boom") }
        }
        return (history, store)
    }

    @Test func severalWordsFindTheRowsEachWordFindsAloneNewestFirst() throws {
        let (history, store) = try Self.filled()
        _ = history
        func ids(_ filter: String) throws -> [Int] { try store.list(filter: filter, limit: 1000).map(\.id) }
        let words = ["lighthouse", "灯塔", "cat", "light", "85mm", "雨", "a", "li", "猫", "dusk", "failed", "zebra", "photon",
                     "Highly", "灯", "keeper's"]
        var seenEmpty = false, seenSome = false
        for (offset, first) in words.enumerated() {
            for second in words[(offset + 1)...] {
                let together = try ids("\(first) \(second)")
                let alone = Set(try ids(first)).intersection(try ids(second))
                #expect(together == alone.sorted(by: >), "\"\(first) \(second)\"")
                if together.isEmpty { seenEmpty = true } else { seenSome = true }
            }
        }
        #expect(seenEmpty && seenSome, "words that never meet and words that do")
        #expect(try ids("lighthouse 灯塔").isEmpty, "two words found often, never in one row")
        #expect(try ids("LIGHTHOUSE cat 灯") == (try ids("keeper's")), "three words, any case")
        for words in ["cat a 灯", "light li a", "cat 灯 l", "lighthouse 雨 a", "dusk a s", "keeper's l c"] {
            let parts = words.split(separator: " ").map(String.init)
            var alone = Set(try ids(parts[0]))
            for part in parts.dropFirst() { alone.formIntersection(try ids(part)) }
            #expect(try ids(words) == alone.sorted(by: >), "\"\(words)\"")
        }
        // Page after page, as the screen loads them.
        let all = try ids("light cat")
        var paged: [Int] = []
        var before: Int?
        while true {
            let page = try store.list(filter: "light cat", before: before, limit: 3).map(\.id)
            paged += page
            guard page.count == 3 else { break }
            before = page.last
        }
        #expect(paged == all && all.count > 3)
    }

    /// A row checked for its longer words (filter20: a loop over bytes, not
    /// the standard library's search) finds them anywhere, in any case, in
    /// any script, and never a word's bytes that straddle other characters.
    @Test func aCheckedRowHoldsAWordWhereverItStands() {
        func holds(_ filter: String, _ text: String) -> Bool { HistoryFilter(filter).accepts(searchText: text, endpoint: "") }
        #expect(holds("lighthouse", "LIGHTHOUSE at dusk") && holds("dusk", "a lighthouse at dusk"))
        #expect(holds("灯塔雨", "一座灯塔雨夜") && holds("straße", "DIE Straße") && holds("café", "CAFÉ noir"))
        #expect(holds("ghthou", "lighthouse") && holds("lighthouse", "lighthouse"))
        #expect(holds("lighthouse dusk", "dusk, a lighthouse"), "every word, in any order")
        #expect(!holds("lighthouse dusk", "a lighthouse at dawn") && !holds("lighthouses", "lighthouse"))
        #expect(!holds("塔雨夜", "灯塔 雨夜"), "not across a space")
        #expect(!holds("dusk", "") && !holds("abc", "ab"))
    }

    /// Candidates far apart, under a word found in nearly every row between
    /// them (filterframe18): that word is asked of the index for each
    /// candidate rather than read over their whole span, with the same answer.
    @Test func candidatesFarApartAreCheckedOneByOne() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        try store.inOneTransaction {
            for index in 0..<4200 {
                let prompt = index == 0 || index == 4199 ? "a lighthouse, 灯塔" : index == 1 ? "a lighthouse, 塔灯" : "灯塔雨夜 \(index)"
                _ = try store.recordSending(HistoryStoreTests.request(prompt, model: "m"), baseURL: "http://127.0.0.1:1", profile: "t")
            }
        }
        let found = try store.list(filter: "lighthouse 灯塔", limit: 10)
        #expect(found.map(\.prompt) == ["a lighthouse, 灯塔", "a lighthouse, 灯塔"])
        #expect(found.map(\.id) == Set(try store.list(filter: "lighthouse", limit: 10).map(\.id))
            .intersection(try store.list(filter: "灯塔", limit: 5000).map(\.id)).sorted(by: >))
    }

    @Test func eachLongerWordIsAskedOfTheIndexByItsRarestTrigram() throws {
        let filter = HistoryFilter("lighthouse 灯塔")
        let plan = try #require(try filter.plan(before: nil, limit: 200) { _, token in token == "\"hth\"" ? 2 : 900 })
        #expect(plan.checksRows)
        #expect(plan.parameters.first == .text("\"hth\""), "the rarest trigram alone, not the eight-trigram phrase")
        #expect(plan.parameters.contains(.text("\"灯\"")) && !plan.parameters.contains(.text("\"灯 塔\"")),
                "a word of two characters is read by one character's list, without positions")
        #expect(plan.deferredWords == "\"灯 塔\"", "and the whole word asked of the index for the candidates' span")
        #expect(plan.deferredRarity == 900, "as often as the whole word is found among the newest rows")
        #expect(plan.sql.contains("INTERSECT"))
        let alone = try #require(try HistoryFilter("lighthouse").plan(before: nil, limit: 200) { _, _ in
            Issue.record("one word alone is asked of the index as it is")
            return 0
        })
        #expect(!alone.checksRows && alone.parameters.first == .text("\"lighthouse\""))
        // A short word nearly every row holds (`s`: every safetensors model) is
        // asked of the word index only where candidates are; so is a longer
        // word found in most rows, when a rarer list gives the candidates.
        let common = try #require(try HistoryFilter("cat 灯塔 s endpoint:controlnet").plan(before: nil, limit: 200) { index, query in
            index == .words ? (query == "\"s\"*" ? 4000 : 300) : (query.hasPrefix("\"sd/") || query.hasPrefix("\"v2/") ? 4096 : 2500)
        })
        #expect(common.deferredWords == "\"灯 塔\" AND \"s\"*")
        #expect(common.deferredRarity == 300 + 4000)
        #expect(!common.parameters.contains(.text("\"s\"*")) && common.parameters.contains(.text("\"灯\"")))
        // A character found far more often than the word it is in (`的` in
        // `的确`) is not worth its list: the whole word's is read.
        let frequentCharacter = try #require(try HistoryFilter("lighthouse 的确").plan(before: nil, limit: 200) { index, query in
            index == .trigrams ? 2 : (query == "\"的\"" ? 3000 : 40)
        })
        #expect(frequentCharacter.parameters.contains(.text("\"确\"")) && frequentCharacter.deferredWords == "\"的 确\"",
                "the rarer character, as rare as the word")
        let bothFrequent = try #require(try HistoryFilter("lighthouse 的确").plan(before: nil, limit: 200) { index, query in
            index == .trigrams ? 2 : (query == "\"的 确\"" ? 40 : 3000)
        })
        #expect(bothFrequent.parameters.contains(.text("\"的 确\"")) && bothFrequent.deferredWords == nil)
        #expect(!common.sql.contains("submission_search"), "every longer word found in most rows: left to the check")
        let dense = try #require(try HistoryFilter("studio light").plan(before: nil, limit: 200) { _, _ in 3000 })
        #expect(!dense.checksRows && dense.parameters.first == .text("\"studio\" AND \"light\""),
                "two longer words each in most rows meet often: the index's own AND of the whole words")
    }

    /// `endpoint:` is planned from how often its endpoints are used (issue
    /// 18): used by most of the newest rows, with a word that gives a list,
    /// no trigram of the endpoint's key is counted and its rows are checked,
    /// not read as a list; alone, each endpoint's first trigram is its list,
    /// still uncounted (`endpoint:c` holds dozens of endpoints: hundreds of
    /// counts the first time typed).
    @Test func anEndpointMostRowsAreOfIsCheckedNotCountedTrigramByTrigram() throws {
        var asked: [String] = []
        let withWord = try #require(try HistoryFilter("endpoint:controlnet 灯塔").plan(before: nil, limit: 200) { index, query in
            asked.append(index.rawValue + " " + query)
            return index == .endpoints ? 4096 : 300
        })
        #expect(asked.contains("submission sd/v2/controlnet"), "how often the endpoint is used is asked")
        #expect(!asked.contains { $0.hasPrefix("submission_search ") }, "no trigram of its key is counted: \(asked)")
        #expect(withWord.checksRows && !withWord.sql.contains("submission_search"), "its rows are checked, not read as a list")
        asked = []
        let alone = try #require(try HistoryFilter("endpoint:c").plan(before: nil, limit: 200) { index, query in
            asked.append(index.rawValue + " " + query)
            return index == .endpoints ? 4096 : 10
        })
        #expect(!asked.contains { $0.hasPrefix("submission_search ") }, "alone and common: no trigram counted either")
        #expect(alone.checksRows && alone.sql.contains("submission_search"), "its endpoints' lists, each row checked")
        // Used by few: each endpoint's rarest trigram, as before.
        asked = []
        let rare = try #require(try HistoryFilter("endpoint:controlnet 灯塔").plan(before: nil, limit: 200) { index, query in
            asked.append(index.rawValue + " " + query)
            return index == .endpoints ? 3 : (query == "\"ont\"" ? 5 : 300)
        })
        #expect(asked.contains { $0.hasPrefix("submission_search ") } && rare.parameters.contains(.text("(\"ont\")")))
    }

    /// However `endpoint:` is planned, a filter finds exactly the rows each
    /// of its parts finds alone: here most of the newest rows are ControlNet
    /// (the plan that checks rows rather than read the endpoint's list), and
    /// one in nine outpainting.
    @Test func anEndpointUsedByMostRowsFindsWhatEachPartFinds() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let outpainting = try #require(EndpointCatalog.shipped.endpoint(id: "tool/imgExpand"))
        let prompts = ["a lighthouse at dusk", "灯塔雨夜", "lighthouse keeper's cat, 灯", "portrait of a cat"]
        var controlNet: Set<Int> = [], outpainted: Set<Int> = []
        try store.inOneTransaction {
            for index in 0..<600 {
                if index % 9 == 4 {
                    var request = Request.new(for: outpainting, taskID: TaskIDGenerator.shared.next())
                    request["prompt"] = .string(prompts[index % prompts.count])
                    outpainted.insert(try store.recordSending(request, baseURL: "b", profile: "p"))
                } else {
                    controlNet.insert(try store.recordSending(HistoryStoreTests.request(prompts[index % prompts.count]),
                                                              baseURL: "b", profile: "p"))
                }
            }
        }
        func find(_ filter: String) throws -> [Int] { try store.list(filter: filter, limit: 5000).map(\.id) }
        #expect(Set(try find("endpoint:controlnet")) == controlNet)
        #expect(Set(try find("endpoint:outpaint")) == outpainted)
        for (filter, endpointRows, words) in [("endpoint:controlnet lighthouse", controlNet, "lighthouse"),
                                              ("endpoint:controlnet 灯", controlNet, "灯"),
                                              ("endpoint:controlnet lighthouse 灯", controlNet, "lighthouse 灯"),
                                              ("endpoint:outpaint cat", outpainted, "cat"),
                                              ("endpoint:net 灯塔", controlNet, "灯塔")] {
            let expected = try find(words).filter(endpointRows.contains)
            #expect(try find(filter) == expected, "\"\(filter)\"")
            // The screen's path too: its first screenful and its count.
            let first = try #require(try store.firstMatches(filter: filter, rows: 20, cap: 20, window: 100, cancel: HistoryQueryCancel()))
            #expect(first.rows.map(\.id) == Array(expected.prefix(first.rows.count)), "\"\(filter)\": the newest of the whole answer")
            let all = try #require(try store.firstMatches(filter: filter, rows: 200, cap: 1000, window: nil, cancel: HistoryQueryCancel()))
            #expect(all.rows.map(\.id) == Array(expected.prefix(200)) && all.matched == expected.count, "\"\(filter)\": the count")
        }
    }

    /// A row of each kind: ControlNet, outpainting, two face swaps, an image
    /// description with a text result, a custom request.
    static func endpointRows(_ store: HistoryStore) throws -> [String: Int] {
        var ids: [String: Int] = [:]
        ids["controlnet"] = try store.recordSending(HistoryStoreTests.request("a lighthouse at dusk"), baseURL: "b", profile: "p")
        for (name, id) in [("outpainting", "tool/imgExpand"), ("faceswap", "tool/roop"), ("faceswap2", "tool/v2/roop")] {
            let endpoint = try #require(EndpointCatalog.shipped.endpoint(id: id))
            ids[name] = try store.recordSending(Request.new(for: endpoint, taskID: TaskIDGenerator.shared.next()), baseURL: "b", profile: "p")
        }
        ids["describe"] = try HistoryTextFilterTests.describe(store)
        let custom = CustomEndpoint.endpoint(path: "tool/faceRestore")
        ids["custom"] = try store.recordSending(Request.new(for: custom, taskID: TaskIDGenerator.shared.next()), baseURL: "b", profile: "p")
        return ids
    }

    @Test func anEndpointIsFoundByItsNameAndEndpointNarrows() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let ids = try Self.endpointRows(store)
        func find(_ filter: String) throws -> Set<Int> { Set(try store.list(filter: filter).map(\.id)) }
        #expect(try find("outpainting") == [ids["outpainting"]!], "the title the history shows, not the path tool/imgExpand")
        #expect(try find("OUTPAINT") == [ids["outpainting"]!], "any case")
        #expect(try find("imgexpand") == [ids["outpainting"]!], "the path still")
        #expect(try find("face swap").isSuperset(of: [ids["faceswap"]!, ids["faceswap2"]!]))
        #expect(try find("outpainting lighthouse").isEmpty)
        #expect(try find("endpoint:outpaint") == [ids["outpainting"]!], "the short name, as --endpoint takes it")
        #expect(try find("ENDPOINT:Outpainting") == [ids["outpainting"]!])
        #expect(try find("endpoint:tool/imgExpand") == [ids["outpainting"]!])
        #expect(try find("endpoint:faceswap") == [ids["faceswap"]!], "a name that is exactly one endpoint's")
        #expect(try find("endpoint:face") == [ids["faceswap"]!, ids["faceswap2"]!], "a name several hold: all of them")
        #expect(try find("endpoint:controlnet lighthouse") == [ids["controlnet"]!])
        #expect(try find("endpoint:controlnet li") == [ids["controlnet"]!], "with a short word")
        #expect(try find("endpoint:outpaint lighthouse").isEmpty)
        #expect(try find("endpoint:describe basalt") == [ids["describe"]!], "text results are still found")
        #expect(try find("endpoint:describe 灯塔") == [ids["describe"]!])
        #expect(try find("endpoint:tool/faceRestore") == [ids["custom"]!], "a custom request's path")
        #expect(try find("endpoint:nothing-like-it").isEmpty)
        #expect(try find("endpoint:").count == ids.count, "endpoint: alone, as typed before the name, narrows nothing yet")
        #expect(try find("endpoint:controlnet endpoint:outpaint").isEmpty, "two narrow further")
        // The gallery takes the same filter.
        #expect(try store.gallery(filter: "endpoint:outpaint").pictures.isEmpty)
    }

    /// The history's count is kept between screens (a million rows took 20 ms
    /// to count), and follows every write: this store's and another process's.
    @Test func theCountFollowsWritesHereAndElsewhere() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        #expect(try store.count() == 0)
        let id = try store.recordSending(HistoryStoreTests.request("a cat"), baseURL: "b", profile: "p")
        #expect(try store.count() == 1)
        let other = try history.open()
        _ = try other.recordSending(HistoryStoreTests.request("a dog"), baseURL: "b", profile: "p")
        #expect(try store.count() == 2, "another connection's row")
        try store.delete(id: id)
        #expect(try store.count() == 1)
        try other.delete(id: id + 1)
        #expect(try store.count() == 0)
    }
    /// The screen runs a filter off its event loop and stops it when the
    /// next key makes it worthless (issue 18): a stopped query answers nil,
    /// never a part of its rows, and the store answers the next one whole.
    @Test func aCancelledFilterStopsAndTheNextAnswersWhole() throws {
        let (history, store) = try Self.filled()
        _ = history
        let whole = try store.list(filter: "lighthouse cat", limit: 1000).map(\.id)
        #expect(!whole.isEmpty)
        let cancelled = HistoryQueryCancel()
        cancelled.cancel()
        #expect(try store.list(filter: "lighthouse cat", before: nil, limit: 1000, cancel: cancelled) == nil)
        #expect(try store.list(filter: "lighthouse cat", before: nil, limit: 1000, cancel: HistoryQueryCancel())?.map(\.id) == whole,
                "a cancel never set changes nothing")
        #expect(try store.list(filter: "lighthouse cat", limit: 1000).map(\.id) == whole, "the stopped query left nothing behind")

        // A statement under way stops once its cancel is set, from another thread.
        let db = try SQLiteConnection(path: history.path)
        let cancel = HistoryQueryCancel()
        let started = Atomic<Bool>(false)
        let canceller = Thread {
            while !started.load(ordering: .relaxed) { usleep(1000) }
            cancel.cancel()
        }
        canceller.start()
        var stopped: SQLiteError?
        do throws(SQLiteError) {
            _ = try db.watching(cancel) { () throws(SQLiteError) -> Int? in
                started.store(true, ordering: .relaxed)
                // Far more work than any filter: it ends only by being stopped.
                return try db.scalar("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 1000000000) SELECT count(*) FROM n")
            }
        } catch {
            stopped = error
        }
        #expect(stopped?.code == SQLiteError.interrupted.code)
        #expect(try db.watching(nil) { () throws(SQLiteError) -> Int? in try db.scalar("SELECT count(*) FROM submission") } == 84,
                "the connection answers again")
    }
    /// The lists a filter of several words merges are read a chunk at a
    /// time and kept for the next key (HistoryCandidates): over lists longer
    /// than a chunk, page after page, and after the history changes, a filter
    /// finds exactly the rows each of its words finds alone.
    @Test func keptListsAnswerAsTheIndexDoesPageAfterPageAndAfterAWrite() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let prompts = ["a lighthouse at dusk", "灯塔雨夜", "lighthouse keeper's cat, 灯", "portrait of a cat", "一只猫在雨中"]
        try store.inOneTransaction {
            for index in 0..<1500 {
                _ = try store.recordSending(HistoryStoreTests.request(prompts[index % prompts.count] + " \(index % 7)"),
                                            baseURL: "http://127.0.0.1:1", profile: "sandbox")
            }
        }
        // As the screen asks (a cancel given): through the lists kept.
        func ids(_ filter: String, before: Int? = nil, limit: Int = 5000) throws -> [Int] {
            try #require(try store.list(filter: filter, before: before, limit: limit, cancel: HistoryQueryCancel())).map(\.id)
        }
        func alone(_ filter: String) throws -> [Int] {
            var found: Set<Int>?
            for word in filter.split(separator: " ").map(String.init) {
                let each = Set(try ids(word))
                found = found.map { $0.intersection(each) } ?? each
            }
            return (found ?? []).sorted(by: >)
        }
        for filter in ["lighthouse 灯", "lighthouse 灯塔", "cat 雨", "cat 灯 3", "lighthouse cat", "灯 cat", "lighthouse 灯 cat 6",
                       "cat 雨中", "一只 cat", "lighthouse 灯灯", "雨夜 灯塔 light"] {
            let whole = try ids(filter)
            #expect(whole == (try alone(filter)), "\"\(filter)\"")
            #expect(try ids(filter) == whole, "\"\(filter)\" again, from the kept lists")
            #expect(try store.list(filter: filter, limit: 5000).map(\.id) == whole, "\"\(filter)\" as the command line asks")
            var paged: [Int] = []
            var before: Int?
            while true {
                let page = try ids(filter, before: before, limit: 37)
                paged += page
                guard page.count == 37 else { break }
                before = page.last
            }
            #expect(paged == whole, "\"\(filter)\" page after page")
        }
        #expect(try ids("lighthouse 灯塔").isEmpty && (try ids("lighthouse 灯")).count == 300)
        // A write (here, or by another zqt) is seen by the next filter.
        let newer = try store.recordSending(HistoryStoreTests.request("lighthouse 灯塔"), baseURL: "http://127.0.0.1:1", profile: "sandbox")
        #expect(try ids("lighthouse 灯塔") == [newer])
        #expect(try ids("lighthouse 灯").first == newer)
        let other = try HistoryStore(path: history.path)
        let fromElsewhere = try other.recordSending(HistoryStoreTests.request("lighthouse cat 灯塔"), baseURL: "b", profile: "p")
        #expect(try ids("lighthouse 灯塔") == [fromElsewhere, newer])
        try store.delete(id: newer)
        #expect(try ids("lighthouse 灯塔") == [fromElsewhere])
    }

    /// The screen's first screenful (issue 18): among the newest ids of a
    /// window when the plan merges lists, the rows a whole search finds
    /// there, newest first, and never "every match" unless it is; without
    /// a window, the page and the count up to its cap, exactly what the
    /// whole search finds.
    @Test func theFirstScreenfulIsTheNewestOfTheWholeAnswerAndTheCountIsExact() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let prompts = ["a lighthouse at dusk", "灯塔雨夜", "lighthouse keeper's cat, 灯", "portrait of a cat", "一只猫在雨中"]
        var made: [Int] = []
        try store.inOneTransaction {
            for index in 0..<1500 {
                made.append(try store.recordSending(HistoryStoreTests.request(prompts[index % prompts.count] + " \(index % 7)"),
                                                    baseURL: "http://127.0.0.1:1", profile: "sandbox"))
            }
        }
        let newest = try #require(made.max())
        for filter in ["lighthouse 灯", "lighthouse 灯塔", "cat 雨", "cat 灯 3", "lighthouse cat", "lighthouse", "灯 cat", "猫 雨中",
                       "portrait cat 6", "zebra cat"] {
            let whole = try store.list(filter: filter, limit: 5000).map(\.id)
            for window in [16, 100, 1000] {
                let first = try #require(try store.firstMatches(filter: filter, rows: 20, cap: 20, window: window, cancel: HistoryQueryCancel()))
                let ids = first.rows.map(\.id)
                #expect(ids == Array(whole.prefix(ids.count)), "\"\(filter)\" in the newest \(window): the whole answer's newest rows")
                #expect(first.matched == ids.count)
                // Every match in the window is there (up to the screenful), however the plan reads.
                let inWindow = whole.filter { $0 >= newest - window }
                #expect(ids.count >= min(20, inWindow.count), "\"\(filter)\" in the newest \(window)")
                if first.searchedAll { #expect(ids == whole, "\"\(filter)\": said to be every match, it is") }
                // The page goes on from the screenful's last row: the same page and count as from the top.
                let page = try #require(try store.firstMatches(filter: filter, rows: 200, cap: 1000, window: nil, after: first,
                                                               cancel: HistoryQueryCancel()))
                #expect(page.rows.map(\.id) == Array(whole.prefix(200)), "\"\(filter)\" after the newest \(window)'s screenful: the page")
                #expect(page.matched == whole.count && page.searchedAll, "\"\(filter)\" after the newest \(window)'s screenful: the count")
            }
            let all = try #require(try store.firstMatches(filter: filter, rows: 200, cap: 1000, window: nil, cancel: HistoryQueryCancel()))
            #expect(all.rows.map(\.id) == Array(whole.prefix(200)), "\"\(filter)\": the page")
            #expect(all.matched == whole.count && all.searchedAll, "\"\(filter)\": the count, \(whole.count)")
            let capped = try #require(try store.firstMatches(filter: filter, rows: 5, cap: 10, window: nil, cancel: HistoryQueryCancel()))
            #expect(capped.matched == min(10, whole.count) && capped.searchedAll == (whole.count < 10), "\"\(filter)\" counted to 10")
        }
        // Two words that never meet: a window finds nothing and says so is not every match.
        let never = try #require(try store.firstMatches(filter: "lighthouse 灯塔", rows: 20, cap: 20, window: 100, cancel: HistoryQueryCancel()))
        #expect(never.rows.isEmpty && !never.searchedAll)
        let proved = try #require(try store.firstMatches(filter: "lighthouse 灯塔", rows: 20, cap: 20, window: nil, cancel: HistoryQueryCancel()))
        #expect(proved.rows.isEmpty && proved.searchedAll)
    }

    /// A page goes on from its first screenful only while the history is
    /// as it was: a row sent (or changed) between the two is in the page.
    @Test func aRowSentBetweenTheScreenfulAndThePageIsInThePage() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        try store.inOneTransaction {
            for index in 0..<300 {
                _ = try store.recordSending(HistoryStoreTests.request(["a lighthouse at dusk, 灯", "portrait of a cat"][index % 2]),
                                            baseURL: "http://127.0.0.1:1", profile: "sandbox")
            }
        }
        let filter = "lighthouse 灯"
        let first = try #require(try store.firstMatches(filter: filter, rows: 20, cap: 20, window: 100, cancel: HistoryQueryCancel()))
        #expect(first.rows.count == 20)
        let sent = try store.recordSending(HistoryStoreTests.request("the lighthouse again, 灯"), baseURL: "http://127.0.0.1:1", profile: "sandbox")
        let page = try #require(try store.firstMatches(filter: filter, rows: 200, cap: 1000, window: nil, after: first, cancel: HistoryQueryCancel()))
        #expect(page.rows.first?.id == sent, "the row sent after the screenful leads the page")
        #expect(page.matched == 151 && page.rows.count == 151)
        #expect(page.rows.map(\.id) == (try store.list(filter: filter, limit: 5000).map(\.id)))
    }
}
