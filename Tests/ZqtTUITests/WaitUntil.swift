import Foundation

/// Polls `condition` until it holds, and fails with what was awaited (and
/// `detail`, the last thing seen) when `timeout` passes first. The end-to-end
/// tests wait for what they mean this way, never for a fixed time; the
/// deadline is generous because a loaded machine is slow, not wrong.
/// Blocking: call it off the cooperative pool (`offThePool`).
func waitUntil(_ what: String, timeout: TimeInterval = 10, detail: () -> String = { "" },
               _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        usleep(50_000)
    }
    let seen = detail()
    throw TmuxSession.WaitError(message: "timed out after \(Int(timeout)) s waiting for \(what)" + (seen.isEmpty ? "" : "; \(seen)"))
}
