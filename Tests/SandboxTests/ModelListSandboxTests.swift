import Foundation
import Model
import Sandbox
import Testing

/// The model lists over real loopback HTTP (zhiqite-api.md §1.4–§1.7):
/// paged as asked, read to the end, credentials checked, failures told apart.
@Suite struct ModelListSandboxTests {
    @Test func checkpointsAreReadAcrossPagesOfTheSizeAsked() async throws {
        let fixture = try SandboxFixture()
        final class Pages: @unchecked Sendable { var sizes: [Int] = [] }
        let pages = Pages()
        let api = fixture.api
        let list = try await ModelListReader.readAll(kind: .checkpoint, path: Endpoint.Query.modelList, pageSize: 10) { n, size throws(APIError) in
            let data = try await api.queryListPage(path: Endpoint.Query.modelList, pageNum: n, pageSize: size)
            pages.sizes.append(data["rows"]?.arrayValue?.count ?? -1)
            return data
        }
        #expect(pages.sizes == [10, 10, 3], "23 checkpoints, pageSize honoured")
        #expect(list.items.count == 23 && list.complete)
        #expect(Set(list.items.map(\.family)) == [.sd15, .sdxl, .flux])
        #expect(list.items[1] == ModelItem(name: "photon_v1_84728.safetensors", displayName: "Photon", baseModel: "SD 1.5"))
    }

    @Test func everyListReadsToItsEndAtItsDefaultPath() async throws {
        let fixture = try SandboxFixture()
        let loras = try await fixture.api.readModelList(.lora, path: ModelListKind.lora.defaultPath)
        #expect(loras.items.count == 12 && loras.items.contains(ModelItem(name: "add_detail", displayName: "Detail Tweaker", baseModel: "SD 1.5")))
        #expect(loras.items.contains { $0.name == "水墨画风_v1" })
        let vaes = try await fixture.api.readModelList(.vae, path: ModelListKind.vae.defaultPath)
        #expect(vaes.items.map(\.name).contains("sdxl_vae.safetensors") && vaes.items.count == 5)
        let embeddings = try await fixture.api.readModelList(.embedding, path: ModelListKind.embedding.defaultPath)
        #expect(embeddings.items.first?.name == "EasyNegative" && embeddings.items.count == 6)
    }

    @Test func wrongKeysGetTheServicesRefusal() async throws {
        let fixture = try SandboxFixture(options: SandboxOptions(requiredCredentials: Credentials(accessKeyID: "right", accessKeySecret: "right")),
                                         credentials: Credentials(accessKeyID: "wrong", accessKeySecret: "wrong"))
        await #expect(throws: APIError.api(code: "401", message: "invalid access key")) {
            _ = try await fixture.api.readModelList(.lora, path: ModelListKind.lora.defaultPath)
        }
    }

    @Test func aMissingListIsA404AndAPathNotServedToo() async throws {
        var options = SandboxOptions()
        options.modelLists = SandboxModelListOptions(missing: [.lora], refused: [.vae])
        let fixture = try SandboxFixture(options: options)
        await #expect(throws: APIError.api(code: "404", message: "no such endpoint: /AIGCImgOpenServ/saas/sd/v2/queryLoraList")) {
            _ = try await fixture.api.readModelList(.lora, path: ModelListKind.lora.defaultPath)
        }
        await #expect(throws: APIError.api(code: "401", message: "invalid access key")) {
            _ = try await fixture.api.readModelList(.vae, path: ModelListKind.vae.defaultPath)
        }
        await #expect(throws: APIError.api(code: "404", message: "no such endpoint: /AIGCImgOpenServ/saas/sd/v9/nothing")) {
            _ = try await fixture.api.readModelList(.embedding, path: "sd/v9/nothing")
        }
        #expect(try await fixture.api.readModelList(.checkpoint, path: Endpoint.Query.modelList).items.count == 23)
    }

    @Test func aRefusedConnectionIsToldApart() async throws {
        let fixture = try SandboxFixture()
        let url = fixture.configuration.baseURL
        fixture.server.stop()
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, timeout: 30, profile: "x"))
        do {
            _ = try await api.readModelList(.checkpoint, path: Endpoint.Query.modelList)
            Issue.record("a stopped sandbox cannot answer")
        } catch {
            guard case .connectionRefused = error else { Issue.record("expected a refused connection, got \(error)"); return }
        }
    }
}

/// A hostile service over real HTTP: every page new, a total of a billion.
@Suite struct HostileModelListTests {
    @Test func aServiceWhosePagesNeverEndIsReadOnlyToThePageLimit() async throws {
        final class Count: @unchecked Sendable { let lock = Lock(); var n = 0 }
        let count = Count()
        let server = try RawHTTPServer(keepAlive: true) { _ in
            let n = count.lock.withLock { count.n += 1; return count.n }
            let rows = (0..<100).map { #"{"sdLoraFileSimplifyName": "lora_\#(n)_\#($0)"}"# }.joined(separator: ",")
            let body = #"{"code": "200", "msg": "ok", "data": {"rows": [\#(rows)], "total": 1000000000}}"#
            return CurlTransportTests.answer("200 OK", headers: ["Content-Length: \(body.utf8.count)"], body: body)
        }
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: SandboxServer.demoCredentials, timeout: 30))
        let list = try await api.readModelList(.lora, path: ModelListKind.lora.defaultPath)
        #expect(server.received.count == ModelListReader.maxPages, "it stops asking at the page limit")
        #expect(list.items.count == ModelListReader.maxItems && !list.complete)
    }
}
