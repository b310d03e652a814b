// The config file's conversion kept while the file stays the same (issue 10),
// never when it holds an inline secret.

import Foundation
import Synchronization
import Testing
@testable import Model

@Suite struct TOMLConversionCacheTests {
    final class Counter: Sendable {
        let calls = Mutex(0)
    }

    static func cache() -> TOMLConversionCache {
        TOMLConversionCache(file: NSTemporaryDirectory() + "zqt-tomlcache-\(UUID().uuidString)/cache/config.json")
    }

    @Test func anUnchangedFileIsNotConvertedAgain() throws {
        let cache = Self.cache()
        let counter = Counter()
        let reader = cache.reader { text in
            counter.calls.withLock { $0 += 1 }
            return .success("{\"converted\": \(text.count)}")
        }
        #expect(try reader("a = 1\n").get() == "{\"converted\": 6}")
        #expect(try reader("a = 1\n").get() == "{\"converted\": 6}")
        #expect(counter.calls.withLock { $0 } == 1, "the second start read the kept JSON")
        #expect(try reader("a = 2\n").get() == "{\"converted\": 6}")
        #expect(counter.calls.withLock { $0 } == 2, "a changed file is converted again")
        let mode = try FileManager.default.attributesOfItem(atPath: cache.file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aFileWithAnInlineSecretIsNeverKept() {
        let cache = Self.cache()
        let reader = cache.reader { _ in .success("{\"profiles\": {\"w\": {\"access_key_secret\": \"S3CR3T\"}}}") }
        _ = reader("[profiles.w]\naccess_key_secret = \"S3CR3T\"\n")
        #expect(!FileManager.default.fileExists(atPath: cache.file))
    }

    @Test func aFaultIsNotKeptAndADamagedCacheIsConvertedAgain() throws {
        let cache = Self.cache()
        let failing = cache.reader { _ in .failure(TOMLReadError(line: 1, column: 5, message: "expected value")) }
        #expect(throws: TOMLReadError.self) { try failing("a = \n").get() }
        #expect(!FileManager.default.fileExists(atPath: cache.file))
        try FileManager.default.createDirectory(atPath: (cache.file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: cache.file))
        #expect(try cache.reader { _ in .success("{}") }("a = 1\n").get() == "{}")
    }
}
