import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Bounds on the work of a pass (a frame of a megabyte prompt, a paste) are
// checked on CPU time, not on the clock: on a loaded 2-core machine the clock
// measures the load (a 3 s bound failed at 7.4 s under CI-like load while the
// work had not changed), the CPU time the work itself. A pass per character
// or per line would still exceed the bounds many times over.

/// The CPU time this thread spent in `body`.
func threadCPUTime(_ body: () throws -> Void) rethrows -> Duration {
    let start = threadCPUNanoseconds()
    try body()
    return .nanoseconds(threadCPUNanoseconds() &- start)
}

private func threadCPUNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Int64(now.tv_sec) &* 1_000_000_000 &+ Int64(now.tv_nsec)
}

/// Seconds of CPU (user and system, all threads) process `pid` has used so
/// far, from /proc/PID/stat; nil when it cannot be read.
func processCPUSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    // After "pid (comm)": field 3 (state) first, so utime (field 14) is the 12th.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return ticks > 0 ? (user + system) / ticks : nil
}

/// The first child of process `pid` (zqt under the pane's shell), nil when none.
func firstChild(of pid: Int32) -> Int32? {
    guard let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else { return nil }
    return children.split(separator: " ").first.flatMap { Int32($0) }
}
