// Which uploader a send uses: the sandbox's own under `--sandbox`, else the
// profile's `[profiles.NAME.upload]`, else none. An S3 store's
// secret_command runs on the first send that has a local file, not at
// start, and its answer is kept for the process (as a password manager
// should be asked once); a failure is said on that send and asked again next.

import Synchronization

public enum UploaderSource: Sendable {
    case none
    case fixed(any ImageUploader)
    case settings(UploadSettings, profile: String, timeout: Double)

    /// The one a connection implies: `sandbox` when it is the in-process sandbox.
    public static func forConnection(_ configuration: ClientConfiguration, sandbox: Bool) -> UploaderSource {
        if sandbox { return .fixed(SandboxUploader(baseURL: configuration.baseURL, timeout: configuration.timeout)) }
        if let upload = configuration.upload { return .settings(upload, profile: configuration.profile, timeout: configuration.timeout) }
        return .none
    }

    private static let made = Mutex<[(UploadSettings, any ImageUploader)]>([])

    /// Nil for `.none`; throws when the store's secret cannot be had.
    public func uploader(secretCommand: (String) -> Result<String, SecretCommand.Failure> = SecretCommand.run) throws(UploadFailure) -> (any ImageUploader)? {
        switch self {
        case .none: return nil
        case let .fixed(uploader): return uploader
        case let .settings(settings, profile, timeout):
            if let known = Self.made.withLock({ $0.first { $0.0 == settings }?.1 }) { return known }
            switch settings.makeUploader(timeout: timeout, secretCommand: secretCommand) {
            case let .success(uploader):
                Self.made.withLock { $0.append((settings, uploader)) }
                return uploader
            case let .failure(failure):
                throw UploadFailure("the upload of profile \(profile): \(failure.reason)")
            }
        }
    }
}
