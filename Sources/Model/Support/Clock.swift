// Time for deadlines and timings, from the C library (no Foundation).

#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a clock that never jumps (for deadlines and durations).
public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
