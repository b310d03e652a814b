import Foundation

/// Polls `condition` until it holds, and fails with what was awaited (and
/// `detail`, the last thing seen) when `timeout` passes first. The end-to-end
/// tests wait for what they mean this way, never for a fixed time; the
/// deadline is generous because a loaded machine is slow, not wrong.
/// Blocking: call it off the cooperative pool (`offThePool`).
func waitUntil(_ what: String, timeout: TimeInterval = 30, detail: () -> String = { "" },
               _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return }
        // Asked once more after the deadline: a loaded machine may oversleep it.
        guard Date() < deadline else { break }
        usleep(50_000)
    }
    throw waitError(what, timeout, detail())
}

/// `waitUntil` for async tests: `condition` may drain an inbox or read the
/// history, and the pause between tries gives the pool back.
func eventually(_ what: String, timeout: TimeInterval = 60, detail: () -> String = { "" },
                _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try await condition() { return }
        // Asked once more after the deadline: a sleep on a starved pool may overrun it.
        guard Date() < deadline else { break }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    throw waitError(what, timeout, detail())
}

private func waitError(_ what: String, _ timeout: TimeInterval, _ seen: String) -> TmuxSession.WaitError {
    TmuxSession.WaitError(message: "timed out after \(Int(timeout)) s waiting for \(what)" + (seen.isEmpty ? "" : "; \(seen)"))
}
