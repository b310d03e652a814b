import Foundation
import Testing
@testable import Model

@Suite struct TaskIDTests {
    @Test func idsAreUniqueReadableAndSortByTime() {
        let fixed = Date(timeIntervalSince1970: 1_795_000_000.5)
        let generator = TaskIDGenerator(now: { fixed })
        let ids = (0..<500).map { _ in generator.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted(), "ids made later sort later, even within one millisecond")
        #expect(ids[0].hasPrefix("zqt-20261118-110640-500-"))
        #expect(ids.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
    }

    @Test func idsFromDifferentMomentsSortInOrder() {
        let first = Date(timeIntervalSince1970: 1_700_000_000)
        let later = first.addingTimeInterval(3600 * 24 * 40)
        let a = TaskIDGenerator(now: { first }).next()
        let b = TaskIDGenerator(now: { later }).next()
        #expect(a < b)
    }
}
