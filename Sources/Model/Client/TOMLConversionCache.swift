// The config file's conversion to JSON, kept while the file stays the same
// (issue 10): converting it takes a child zqt and the full Foundation, about
// 30 ms of every start; reading the kept JSON takes well under one.
//
// A file that holds an inline access_key_secret is never kept: its JSON
// would put the secret in a second file (the secret-leak test searches every
// file zqt writes).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct TOMLConversionCache: Sendable {
    public let file: String

    public init(file: String) { self.file = file }

    /// The cache beside the history: `ZQT_HOME/cache/config.json`.
    public static func inDataFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> TOMLConversionCache {
        TOMLConversionCache(file: ZqtPaths.home(environment: environment).path + "/cache/config.json")
    }

    /// A reader that answers from the cache when `text` is what was converted
    /// last, else asks `convert` and keeps a success.
    public func reader(_ convert: @escaping @Sendable (String) -> Result<String, TOMLReadError>) -> @Sendable (String) -> Result<String, TOMLReadError> {
        let cache = self
        return { text in
            let key = Self.fingerprint(text)
            if let kept = cache.read(key) { return .success(kept) }
            let converted = convert(text)
            if case let .success(json) = converted, !text.contains("access_key_secret") {
                cache.write(key, json)
            }
            return converted
        }
    }

    /// FNV-1a over the bytes, with the length: tells the file changed (not a
    /// security check: whoever can write the cache can write the config too).
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16) + ":" + String(text.utf8.count)
    }

    func read(_ key: String) -> String? {
        guard case let .success(text) = LocalFile.readText(file, maximumBytes: 4 << 20),
              let kept = try? JSONParser.parse(text),
              kept["source"]?.stringValue == key, let json = kept["json"]?.stringValue else { return nil }
        return json
    }

    func write(_ key: String, _ json: String) {
        let text = JSONWriter.compact(.object([("source", .string(key)), ("json", .string(json))]))
        let folder = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
        // Written beside and renamed over; a cache that cannot be written is only slower.
        let partial = file + ".partial"
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
              FileManager.default.createFile(atPath: partial, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else { return }
        _ = try? FileManager.default.removeItem(atPath: file)
        _ = try? FileManager.default.moveItem(atPath: partial, toPath: file)
    }
}
