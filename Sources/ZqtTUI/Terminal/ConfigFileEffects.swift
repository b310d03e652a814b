// The config file read again while the screen runs (issue 19): one stat on
// a screen change (nothing more when the file is as it was), a read when it
// changed or the user asked. A file read again also gives the profile
// switcher its new profiles.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model

/// What tells a changed file: its inode, size and modification time (nil: no file).
struct ConfigFileStamp: Equatable, Sendable {
    var inode: UInt64
    var size: Int64
    var seconds: Int
    var nanoseconds: Int

    static func of(_ path: String) -> ConfigFileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return ConfigFileStamp(inode: UInt64(info.st_ino), size: Int64(info.st_size),
                               seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
    }
}

/// The runner's part: where the file is and how it was when last read.
struct ConfigFileWatch: Sendable {
    var environment: [String: String]
    var stamp: ConfigFileStamp?

    var file: String { ConfigFile.location(environment: environment) }
}

extension EffectRunner {
    /// Reads the file again when it changed since it was last read (or when `asked`).
    func checkConfigFile(asked: Bool) {
        guard let (watch, changed) = configWatch.withLock({ watch -> (ConfigFileWatch, Bool)? in
            guard let current = watch else { return nil }
            let now = ConfigFileStamp.of(current.file)
            let changed = now != current.stamp
            watch?.stamp = now
            return (current, changed)
        }) else { return }
        guard changed || asked else { return }
        let config = ConfigAtStart.load(catalog: catalog, environment: watch.environment)
        if config.problem == nil { profileResolver = config.config.map(ComposeSession.profileResolver) }
        inbox.post(.configFileRead(ConfigFileRead(config, asked: asked, environment: watch.environment)))
    }
}

extension ConfigFileRead {
    /// What the screen takes of a file read (never a secret: profiles by name and masked details).
    init(_ config: ConfigAtStart, asked: Bool, environment: [String: String]) {
        self.init(file: config.file, exists: config.config != nil || config.problem != nil, problem: config.problem, asked: asked)
        let profiles = config.config?.profiles ?? []
        self.profiles = profiles.map(\.name)
        for profile in profiles {
            profileDetails[profile.name] = ProfileMask.details(profile)
            profileServers[profile.name] = profile.api ?? .zhiqite
        }
        keys = config.keys
        formDefaults = config.formDefaults
        permissionWarning = config.permissionWarning
        theme = config.theme(environment: environment)
    }
}
