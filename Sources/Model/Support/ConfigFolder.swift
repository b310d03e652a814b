// zqt's config folder: `$XDG_CONFIG_HOME/zqt`, else `~/.config/zqt`. The
// config file (config.toml) and the user's catalog (endpoints.json) live
// there; one rule for both, so `zqt paths` names what zqt reads.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public enum ConfigFolder {
    /// A relative XDG_CONFIG_HOME is ignored, as the XDG Base Directory spec says.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/zqt" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return home + "/.config/zqt"
    }
}
