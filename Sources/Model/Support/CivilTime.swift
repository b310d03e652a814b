// Calendar dates and times of day from instants, for task ids, the
// queryTaskInfo month (wire rule 8) and history times. Gregorian, computed
// directly (days-from-epoch arithmetic) so no time-zone database is needed.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

public struct CivilTime: Sendable, Equatable {
    public let year: Int, month: Int, day: Int
    public let hour: Int, minute: Int, second: Int, millisecond: Int

    /// The date and time `utcOffset` seconds east of UTC.
    public init(_ date: Date, utcOffset: Int = 0) {
        // An instant read from a damaged history may be anything (1e300, NaN): held to ±100,000
        // years, never a trap (issue 8).
        let limit = 3_155_760_000_000_000  // 100,000 years of milliseconds
        let millis = WholeNumber.rounded((date.timeIntervalSince1970 * 1000).rounded(.down), in: -limit...limit)
        let totalMillis = millis + max(-86_400, min(86_400, utcOffset)) * 1000
        let millisPerDay = 86_400_000
        let days = Int((Double(totalMillis) / Double(millisPerDay)).rounded(.down))
        let inDay = totalMillis - days * millisPerDay
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = inDay / 3_600_000
        minute = inDay / 60_000 % 60
        second = inDay / 1000 % 60
        millisecond = inDay % 1000
    }

    /// In the machine's local time zone (TZ, /etc/localtime).
    public static func local(_ date: Date) -> CivilTime {
        var seconds = time_t(WholeNumber.rounded(date.timeIntervalSince1970.rounded(.down), in: -3_155_760_000_000...3_155_760_000_000))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return CivilTime(date, utcOffset: parts.tm_gmtoff)
    }

    /// "2026-11-25 14:03"
    public var dateAndMinute: String {
        "\(year)-\(Self.pad(month))-\(Self.pad(day)) \(Self.pad(hour)):\(Self.pad(minute))"
    }

    /// "2026-11-25 14:03:07"
    public var dateAndSecond: String { dateAndMinute + ":" + Self.pad(second) }

    /// Zero-padded to `width` digits.
    public static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
