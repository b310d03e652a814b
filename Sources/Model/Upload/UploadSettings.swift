// A profile's `[profiles.NAME.upload]` table, read by ConfigFile, and the
// uploader it makes. See docs/uploads.md.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public enum UploadSettings: Sendable, Equatable {
    case s3(S3Settings)
    case command(CommandSettings)

    public struct S3Settings: Sendable, Equatable {
        /// The store's URL without the bucket: "https://s3.us-east-1.amazonaws.com",
        /// "https://oss-cn-hangzhou.aliyuncs.com", "http://127.0.0.1:9000".
        public var endpoint: String
        public var region: String
        public var bucket: String
        /// Prepended to each object's key ("zqt/"); may be empty.
        public var prefix: String
        public var accessKeyID: String
        /// Inline; the file then gets the permission check, as access_key_secret does.
        public var secretAccessKey: String?
        /// A command whose standard output is the secret (SecretCommand).
        public var secretCommand: String?
        /// `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO, most local stores).
        public var pathStyle: Bool
        /// Where the bucket is readable by anyone: `public_base_url/key` is sent, unsigned.
        public var publicBaseURL: String?
        /// How long a presigned GET URL is valid (no public_base_url).
        public var presignSeconds: Int

        public static let defaultPresignSeconds = 3600
        /// SigV4 allows at most seven days.
        public static let presignRange = 1...604_800

        public init(endpoint: String, region: String, bucket: String, prefix: String = "", accessKeyID: String,
                    secretAccessKey: String? = nil, secretCommand: String? = nil, pathStyle: Bool = false,
                    publicBaseURL: String? = nil, presignSeconds: Int = S3Settings.defaultPresignSeconds) {
            self.endpoint = endpoint
            self.region = region
            self.bucket = bucket
            self.prefix = prefix
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.secretCommand = secretCommand
            self.pathStyle = pathStyle
            self.publicBaseURL = publicBaseURL
            self.presignSeconds = presignSeconds
        }
    }

    public struct CommandSettings: Sendable, Equatable {
        /// Run by /bin/sh with the file's path in $ZQT_FILE; its last line of output is the URL.
        public var command: String
        /// Seconds before the command is stopped.
        public var timeoutSeconds: Double
        /// How long the URLs it prints stay valid; nil: never reused.
        public var validSeconds: Int?

        public static let defaultTimeout = 120.0

        public init(command: String, timeoutSeconds: Double = CommandSettings.defaultTimeout, validSeconds: Int? = nil) {
            self.command = command
            self.timeoutSeconds = timeoutSeconds
            self.validSeconds = validSeconds
        }
    }

    /// The uploader, its secret fetched now (secret_command runs here, once).
    /// The failure's reason follows "upload of profile NAME".
    public func makeUploader(timeout: Double = 30,
                             secretCommand: (String) -> Result<String, SecretCommand.Failure> = SecretCommand.run) -> Result<any ImageUploader, SecretCommand.Failure> {
        switch self {
        case let .s3(settings):
            var secret = settings.secretAccessKey ?? ""
            if let command = settings.secretCommand {
                switch secretCommand(command) {
                case let .success(value): secret = value
                case let .failure(failure): return .failure(SecretCommand.Failure("secret_command \(failure.reason)"))
                }
            }
            return .success(S3Uploader(settings: settings, secretAccessKey: secret, timeout: timeout))
        case let .command(settings):
            return .success(CommandUploader(settings: settings))
        }
    }
}
