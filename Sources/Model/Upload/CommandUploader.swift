// Uploads with a command of the user's (ossutil, rclone, scp to a web
// server): run by /bin/sh, the file's path in $ZQT_FILE (never spliced into
// the shell text, so no file name can inject a command), the last line of its
// standard output is the URL. Bounded in time and output like
// key_secret_command; its standard error is shown when it fails.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch

public struct CommandUploader: ImageUploader {
    public let settings: UploadSettings.CommandSettings
    public static let outputLimit = 256 * 1024
    let now: @Sendable () -> Date

    public init(settings: UploadSettings.CommandSettings, now: @escaping @Sendable () -> Date = Date.init) {
        self.settings = settings
        self.now = now
    }

    /// The command's hash, not its text: a command line may hold a password.
    public var store: String {
        let hash = (try? Digest.sha256(Array(settings.command.utf8))).map(Digest.hex) ?? String(settings.command.count)
        return "command \(hash.prefix(16))"
    }

    public func upload(_ image: LocalPicture) async throws(UploadFailure) -> UploadedImage {
        let settings = settings
        let result: Result<String, UploadFailure> = await withCheckedContinuation { continuation in
            // The command blocks: a thread of its own, off Swift's cooperative pool.
            DispatchQueue(label: "zqt.upload.command").async {
                continuation.resume(returning: Self.run(settings, file: image.path))
            }
        }
        let url = try result.get()
        return UploadedImage(url: url, expiresAt: settings.validSeconds.map { now().addingTimeInterval(Double($0)) })
    }

    static func run(_ settings: UploadSettings.CommandSettings, file: String) -> Result<String, UploadFailure> {
        var environment = ProcessInfo.processInfo.environment
        environment["ZQT_FILE"] = file
        let output: ChildProcess.Output
        do {
            output = try ChildProcess.run("/bin/sh", ["-c", settings.command], environment: environment,
                                          timeout: settings.timeoutSeconds, outputLimit: outputLimit)
        } catch {
            return .failure(UploadFailure("the upload command could not start: \(error)"))
        }
        let said = stderrTail(output.stderr)
        if output.timedOut {
            return .failure(UploadFailure("the upload command did not finish within \(JSONWriter.formatNumber(settings.timeoutSeconds)) s and was stopped" + said))
        }
        if output.overflowed {
            return .failure(UploadFailure("the upload command wrote more than \(outputLimit / 1024) KiB and was stopped"))
        }
        guard output.status == 0 else {
            return .failure(UploadFailure("the upload command failed (exit \(output.status))" + said))
        }
        return url(inOutput: output.stdout, said: said)
    }

    /// The URL on the last line the command printed, or what is wrong with that line.
    static func url(inOutput stdout: String, said: String) -> Result<String, UploadFailure> {
        let last = stdout.split(whereSeparator: \.isNewline).last.map { String($0).trimmed } ?? ""
        guard !last.isEmpty else {
            return .failure(UploadFailure("the upload command printed no URL (its last line of output is the URL)" + said))
        }
        guard RequestValidator.urlProblem(last) == nil, HTTPTarget(last) != nil else {
            return .failure(UploadFailure("the upload command's last line is not an http(s) URL: \(APIError.printable(String(last.prefix(200))))"))
        }
        return .success(last)
    }

    /// The end of what it wrote on standard error, one line, printable.
    static func stderrTail(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmed }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { return "" }
        let joined = lines.suffix(3).joined(separator: " / ")
        return ": " + APIError.printable(String(joined.suffix(300)))
    }

    public func mayReuse(_ earlier: UploadRecord, now: Date) async -> Bool {
        guard earlier.store == store, settings.validSeconds != nil, let expiresAt = earlier.expiresAt else { return false }
        return expiresAt.timeIntervalSince(now) > min(600, Double(settings.validSeconds ?? 0) / 2)
    }
}
