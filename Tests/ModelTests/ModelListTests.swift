import Foundation
import Model
import Testing

/// Model lists (zhiqite-api.md §1.4–§1.7): paging to the end against honest
/// and hostile services, reading rows, base families, paths, and the cache.
@Suite struct ModelListTests {
    /// A service's `data` for one page of `rows`, with a total.
    static func page(_ names: [String], total: JSONValue?, key: String = "sdModelCheckpoint") -> JSONValue {
        .object(dropping: [("rows", .array(names.map { .object([(key: key, value: .string($0)), (key: "modelBaseModel", value: .string("SD 1.5"))]) })),
                           ("total", total)])
    }

    /// An honest service: `count` items, pages as asked.
    static func honest(_ count: Int, total: JSONValue? = nil) -> @Sendable (Int, Int) -> JSONValue {
        { pageNum, pageSize in
            let all = (0..<count).map { "m\($0).safetensors" }
            return page(Array(all.dropFirst((pageNum - 1) * pageSize).prefix(pageSize)), total: total ?? .int(count))
        }
    }

    final class Counter: @unchecked Sendable { var pages: [Int] = [] }

    @Test func readsEveryPageUpToTheTotal() async throws {
        let counter = Counter()
        let serve = Self.honest(23)
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: "p", pageSize: 10) { n, size throws(APIError) in
            counter.pages.append(n)
            return serve(n, size)
        }
        #expect(list.items.count == 23 && list.complete)
        #expect(list.items.first?.name == "m0.safetensors" && list.items.last?.name == "m22.safetensors")
        #expect(counter.pages == [1, 2, 3], "stops once the total is read: no fourth, empty page asked for")
    }

    @Test func aServiceGivingFewerRowsThanAskedIsReadToItsTotal() async throws {
        // Asked for 10 a page, it gives 4: the total, not pages × pageSize, says when to stop.
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: "p", pageSize: 10) { n, _ throws(APIError) in
            Self.honest(11)(n, 4)
        }
        #expect(list.items.count == 11 && list.complete)
    }

    @Test func aTotalThatLiesHighEndsOnTheEmptyPage() async throws {
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: "p", pageSize: 10) { n, size throws(APIError) in
            Self.honest(15, total: .int(1_000_000))(n, size)
        }
        #expect(list.items.count == 15 && list.complete)
    }

    @Test func pagesThatNeverEndStopAtThePageLimit() async throws {
        // Every page new, a total of 1e300: only the page cap ends it.
        let counter = Counter()
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: "p", pageSize: 5, maxPages: 7) { n, _ throws(APIError) in
            counter.pages.append(n)
            return Self.page((0..<5).map { "p\(n)-\($0)" }, total: .double(1e300))
        }
        #expect(counter.pages == Array(1...7))
        #expect(list.items.count == 35 && !list.complete, "what was read is kept, marked incomplete")
    }

    @Test func aServiceIgnoringPageNumStopsAtTheRepeatedPage() async throws {
        let counter = Counter()
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: "p", pageSize: 3) { n, _ throws(APIError) in
            counter.pages.append(n)
            return Self.page(["a", "b", "c"], total: .int(50))
        }
        #expect(counter.pages == [1, 2])
        #expect(list.items.map(\.name) == ["a", "b", "c"] && list.complete)
    }

    @Test func theItemLimitHoldsWhateverThePagesSay() async throws {
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: "p", pageSize: 100, maxItems: 250) { n, _ throws(APIError) in
            Self.page((0..<100).map { "x\(n)-\($0)" }, total: nil)
        }
        #expect(list.items.count == 250 && !list.complete)
    }

    @Test func noTotalEndsOnAShortPage() async throws {
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: "p", pageSize: 10) { n, size throws(APIError) in
            Self.honest(14, total: .string("lots"))(n, size)
        }
        #expect(list.items.count == 14 && list.complete)
    }

    @Test func anAnswerWithoutADataObjectIsAnError() async throws {
        await #expect(throws: APIError.unexpectedResponse("sd/v2/queryLoraList answered without a data object")) {
            _ = try await ModelListReader.readAll(kind: .lora, path: "sd/v2/queryLoraList") { _, _ throws(APIError) in .array([]) }
        }
    }

    @Test func rowsAreReadByTheirKindsKeysAndHostileOnesDropped() {
        let lora = JSONValue.object([(key: "sdLoraFileSimplifyName", value: .string("add_detail")),
                                     (key: "sdLoraName", value: .string("Detail Tweaker")),
                                     (key: "baseModel", value: .string("SD 1.5"))])
        #expect(ModelItem(row: lora, kind: .lora) == ModelItem(name: "add_detail", displayName: "Detail Tweaker", baseModel: "SD 1.5"))
        #expect(ModelItem(row: .object([(key: "name", value: .string("EasyNegative"))]), kind: .embedding)?.name == "EasyNegative",
                "a generic key when the inferred one is missing")
        #expect(ModelItem(row: .object([(key: "sdLoraFileSimplifyName", value: .string("evil\u{1B}[2J"))]), kind: .lora) == nil,
                "a name with an escape would go into the prompt: refused")
        #expect(ModelItem(row: .object([(key: "sdModelCheckpoint", value: .string(String(repeating: "x", count: 300)))]), kind: .checkpoint) == nil)
        #expect(ModelItem(row: .object([(key: "sdModelCheckpoint", value: .int(3))]), kind: .checkpoint) == nil)
        #expect(ModelItem(row: .string("x"), kind: .checkpoint) == nil)
        let shown = ModelItem(row: .object([(key: "sdModelCheckpoint", value: .string("a.safetensors")),
                                            (key: "sdModelName", value: .string("\u{1B}]0;title\u{07}Nice\nName")),
                                            (key: "modelBaseModel", value: .string("SDXL 1.0"))]), kind: .checkpoint)
        #expect(shown?.displayName == "Nice Name" && shown?.family == .sdxl, "labels only shown are made printable")
    }

    @Test func familiesFromBasesAndNames() {
        #expect(ModelFamily(baseModel: "SD 1.5") == .sd15)
        #expect(ModelFamily(baseModel: "SDXL 1.0") == .sdxl)
        #expect(ModelFamily(baseModel: "Pony") == .sdxl)
        #expect(ModelFamily(baseModel: "Flux.1 D") == .flux)
        #expect(ModelFamily(baseModel: "Other") == .unknown)
        for name in ["control_v11p_sd15_canny [d14c016b]", "t2iadapter_canny_sd15v2", "control_sd15_depth_anything [48a4bc3a]",
                     "ip-adapter_sd15_plus [32cd8f7f]", "control_v1p_sd15_brightness"] {
            #expect(ModelFamily(modelName: name) == .sd15, "\(name)")
        }
        for name in ["diffusers_xl_canny_full [2b69fca4]", "kohya_controllllite_xl_canny [2ed264be]", "sai_xl_canny_256lora",
                     "ip-adapter_sdxl_vit-h [f1f19f7d]", "thibaud_xl_openpose [c7b9cadd]", "juggernautXL_v9.safetensors"] {
            #expect(ModelFamily(modelName: name) == .sdxl, "\(name)")
        }
        #expect(ModelFamily(modelName: "control_canny-fp16 [e3fe7712]") == .unknown, "no marker: not guessed")
        #expect(ModelFamily(modelName: "flux-dev-controlnet-canny") == .flux)
    }

    @Test func pathsComeFromTheCatalogThenTheEnvironment() {
        let paths = ModelListPaths(overrides: [.lora: "/AIGCImgOpenServ/saas/sd/v3/loraList", .vae: "sd/v2/vaes"],
                                   environment: ["ZQT_VAE_LIST_PATH": " sd/v9/vae ", "ZQT_EMBEDDING_LIST_PATH": "bad path"])
        #expect(paths.path(for: .lora) == "sd/v3/loraList" && paths.sources[.lora] == "the catalog")
        #expect(paths.path(for: .vae) == "sd/v9/vae" && paths.sources[.vae] == "ZQT_VAE_LIST_PATH")
        #expect(paths.path(for: .embedding) == "sd/v2/queryEmbeddingList", "a path with a space is refused; the default stays")
        #expect(paths.path(for: .checkpoint) == "sd/v2/queryModelList")
    }

    @Test func aListIsKeptAndReadBackAfterARestart() throws {
        let history = TemporaryHistory()
        let fetched = Date(timeIntervalSince1970: 1_795_000_000)
        let list = ModelList(kind: .checkpoint, items: [ModelItem(name: "photon_v1.safetensors", displayName: "Photon", baseModel: "SD 1.5"),
                                                        ModelItem(name: "juggernautXL_v9.safetensors", baseModel: "SDXL 1.0")],
                             fetchedAt: fetched, path: "sd/v2/queryModelList")
        try history.open().saveModelList(list, service: "https://api.zhiqite.com")
        try history.open().saveModelList(ModelList(kind: .lora, items: [ModelItem(name: "add_detail")], fetchedAt: fetched,
                                                   path: "sd/v2/queryLoraList", complete: false), service: "https://api.zhiqite.com")
        try history.open().saveModelList(ModelList(kind: .lora, items: [], fetchedAt: fetched, path: "x"), service: "sandbox")

        let lists = try history.open().loadModelLists(service: "https://api.zhiqite.com")
        #expect(lists[.checkpoint] == list)
        #expect(lists[.lora]?.items.map(\.name) == ["add_detail"] && lists[.lora]?.complete == false)
        #expect(lists[.vae] == nil)
        #expect(try history.open().loadModelLists(service: "sandbox")[.lora]?.items.isEmpty == true, "kept per service")

        // A newer refresh replaces the list.
        try history.open().saveModelList(ModelList(kind: .checkpoint, items: [ModelItem(name: "only")], fetchedAt: fetched + 60,
                                                   path: "sd/v2/queryModelList"), service: "https://api.zhiqite.com")
        let again = try history.open().loadModelLists(service: "https://api.zhiqite.com")[.checkpoint]
        #expect(again?.items.map(\.name) == ["only"] && again?.fetchedAt == fetched + 60)
    }

    @Test func aCachedRowEditedByHandIsReadAsUntrusted() throws {
        let history = TemporaryHistory()
        _ = try history.open()
        let db = try SQLiteConnection(path: history.path)
        try db.run("INSERT INTO model_list VALUES ('s', 'vae', 'p', 1e300, 1, 3, ?)",
                   [.text(#"[{"name": "ok.pt"}, {"name": "bad\u001b[2J"}, 7, {"nope": 1}]"#)])
        try db.run("INSERT INTO model_list VALUES ('s', 'nonsense', 'p', 0, 1, 0, '[]'), ('s', 'lora', 'p', 0, 1, 0, 'not json')")
        let lists = try history.open().loadModelLists(service: "s")
        #expect(lists[.vae]?.items.map(\.name) == ["ok.pt"])
        #expect(lists.count == 1)
    }

    @Test func aDatabaseWrittenBySchemaThreeGainsTheListCacheWithEverythingKept() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let old = try SQLiteConnection(path: history.path)
        try old.execute(try GoldenFile.text("history-v3.sql"))
        #expect(try old.scalar("PRAGMA user_version") == 3)
        #expect(try old.run("SELECT name FROM sqlite_master WHERE name = 'model_list'").isEmpty, "frozen before migration 4")

        let store = try history.open()
        let db = try SQLiteConnection(path: history.path)
        #expect(HistorySchema.currentVersion >= 4)
        #expect(try db.scalar("PRAGMA user_version") == HistorySchema.currentVersion)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
        try db.execute("INSERT INTO submission_search(submission_search) VALUES ('integrity-check')")

        #expect(try store.count() == 4)
        #expect(try store.record(id: 1)?.results.map(\.seed) == [2001, 2002])
        #expect(try store.record(id: 4)?.textResults == ["masterpiece, a girl", "1 girl, 一个女孩"])
        #expect(try store.unfinished().map(\.id) == [3])
        #expect(try store.list(filter: "灯塔").map(\.id) == [1])
        #expect(try store.loadDraft()?.fieldDrafts == ["steps": "2o", "seed": "12x"])
        #expect(try store.loadModelLists(service: "https://api.zhiqite.com").isEmpty)
        try store.saveModelList(ModelList(kind: .vae, items: [ModelItem(name: "sdxl_vae.safetensors")], fetchedAt: Date(), path: "v"),
                                service: "https://api.zhiqite.com")
        #expect(try store.loadModelLists(service: "https://api.zhiqite.com")[.vae]?.items.count == 1)
        #expect(try store.recordSending(HistoryStoreTests.request("new"), baseURL: "b", profile: "p") == 5)
    }
}
