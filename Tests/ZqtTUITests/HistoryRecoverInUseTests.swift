import Foundation
import TestScratch
import Model
import Testing

/// Issue 21: `zqt history recover` moves the history aside and puts a new
/// file in its place: a screen or a sweep writing it meanwhile would lose
/// its rows. Every zqt holds a shared lock beside the history while it has
/// it open; recover asks for it alone, names who holds it and refuses,
/// unless --force.
@Suite struct HistoryRecoverInUseTests {
    @Test func recoverRefusesWhileAnotherZqtHasTheHistoryOpenNamesItAndForceOverrides() throws {
        let scratch = Scratch()
        let home = try HistoryRepairCommandTests.home(in: scratch)
        let path = home + "/" + HistoryStore.fileName
        try HistoryRepairCommandTests.fill(home, prefix: "zqt-inuse")
        let damaged = try HistoryRepairCommandTests.overwriteAPageInTheMiddle(path)

        // This test's process is the other zqt: the history open, as a screen has it.
        var user: HistoryStore? = try HistoryStore.open(inFolder: home)
        #expect(user != nil)
        let refused = try HistoryRepairCommandTests.zqt(["history", "recover"], home: home)
        #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stderr.contains("the history is open in another zqt (pid \(getpid())"), "named by its pid: \(refused.stderr)")
        #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(FileManager.default.contents(atPath: path) == damaged, "nothing moved")
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: home)) ?? []).contains { $0.contains(".damaged-") })

        let forced = try HistoryRepairCommandTests.zqt(["history", "recover", "--force"], home: home)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("as --force asks"), "\(forced.stderr)")
        #expect(forced.stdout.hasPrefix("recovered "), "\(forced.stdout)")

        // Once the other zqt has closed it, recover goes ahead without asking.
        user = nil
        let handle2 = try #require(FileHandle(forWritingAtPath: path))
        try handle2.seek(toOffset: UInt64(try #require(FileManager.default.contents(atPath: path)).count / 4096 / 2 * 4096))
        handle2.write(Data(repeating: 0xA5, count: 4096))
        try handle2.close()
        let alone = try HistoryRepairCommandTests.zqt(["history", "recover"], home: home)
        if alone.stdout.hasPrefix("nothing to recover") { return }  // the page hit held nothing SQLite checks
        #expect(alone.status == 0, "\(alone.stderr)")
        #expect(!alone.stderr.contains("open in another zqt"), "\(alone.stderr)")
    }
}
