import Foundation
import Images
import Testing

/// What a test needs from the machine beyond the package. Where it is
/// missing, the test is skipped and says why: it never passes in silence.
extension Trait where Self == ConditionTrait {
    /// The real binary in tmux.
    static var needsTmux: Self { .enabled(if: TmuxSession.isAvailable, "tmux is not installed at /usr/bin/tmux") }

    /// curl, for asking the sandbox what it received as a script would.
    static var needsCurl: Self { .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is not installed at /usr/bin/curl") }

    /// Pictures drawn on the screen: chafa (Debian's libchafa0), opened at run time.
    static var needsChafa: Self { .enabled(if: chafaMissing == nil, Comment(rawValue: chafaMissing ?? "")) }
}

/// Why chafa cannot be used here, or nil when it can.
let chafaMissing: String? = {
    do throws(PictureError) {
        try TerminalArt.load()
        return nil
    } catch {
        return "pictures cannot be drawn here: \(error.message)"
    }
}()
