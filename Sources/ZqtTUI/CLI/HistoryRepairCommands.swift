// `zqt history check` and `zqt history recover` (issue 21). Both work on a
// history the other commands refuse to open; neither writes to the file it
// reads (HistoryRepair).

import ArgumentParser
import Model
#if canImport(Glibc)
import Glibc
#endif

struct HistoryCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Say whether the history file is sound, damaged or from a newer zqt, without changing it.",
        discussion: "Exit 0 when the history can be used (or there is none yet), 2 when it is damaged or cannot be read.")

    @OptionGroup var output: JSONOption

    func run() throws {
        let path = ZqtPaths.home().path + "/" + HistoryStore.fileName
        let finding = HistoryRepair.check(path: path)
        var lines = Wording.historyFinding(finding, path: path)
        // Checked read-only either way; a folder that takes no write is said after the finding (issue 21).
        let cannotWrite = HistoryRepair.writeRefusal(atHistory: path)
        if let cannotWrite { lines.append(Wording.historyCheckCannotWrite(cannotWrite)) }
        if output.json {
            var fields: [(key: String, value: JSONValue)] = [("path", .string(path)), ("finding", .string(Self.name(finding)))]
            if case let .damaged(problems) = finding { fields.append(("problems", .array(problems.map(JSONValue.string)))) }
            if let cannotWrite { fields.append(("read_only", .string(cannotWrite.words))) }
            fields.append(("message", .string(lines.joined(separator: "\n"))))
            CommandSupport.sayJSON(.object(fields))
        } else {
            for line in lines { CommandSupport.say(line) }
        }
        if !Self.usable(finding) { throw ExitCode(ZqtExit.badInput.rawValue) }
    }

    static func usable(_ finding: HistoryRepair.Finding) -> Bool {
        switch finding {
        case .missing, .healthy, .newer: return true
        case .damaged, .notADatabase, .journalWithoutDatabase, .unreadable: return false
        }
    }

    static func name(_ finding: HistoryRepair.Finding) -> String {
        switch finding {
        case .missing: return "missing"
        case .healthy: return "ok"
        case .newer: return "newer"
        case .damaged: return "damaged"
        case .notADatabase: return "not-a-database"
        case .journalWithoutDatabase: return "log-without-database"
        case .unreadable: return "unreadable"
        }
    }
}

struct HistoryRecover: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Copy what can still be read from a damaged history into a new one, keeping the damaged file beside it.",
        discussion: "Close every zqt using the history first: a zqt that has it open is named and the recovery refused (--force goes on: rows it writes meanwhile are lost). The damaged file (and its -wal, -shm) is renamed history.sqlite.damaged-TIME, never deleted.")

    @Flag(help: "Recover even while another zqt has the history open (the rows it writes meanwhile are lost).")
    var force = false

    func run() throws {
        let path = ZqtPaths.home().path + "/" + HistoryStore.fileName
        let finding = HistoryRepair.check(path: path)
        switch finding {
        case .missing, .healthy, .newer:
            CommandSupport.say(Wording.recoveryNotNeeded(finding))
            return
        case .unreadable:
            throw CommandFailure(Wording.historyFinding(finding, path: path).joined(separator: "\n"), .badInput)
        case .damaged, .notADatabase, .journalWithoutDatabase:
            break
        }
        // A recovery writes a new file beside the old one: a folder that takes none is said first (issue 21).
        if let cannotWrite = HistoryRepair.writeRefusal(atHistory: path) {
            throw CommandFailure(Wording.recoveryCannotWrite(cannotWrite, path: path), .badInput)
        }
        // A screen or a sweep writing it would lose its rows into the file moved aside (issue 21).
        var alone: Int32 = -1
        switch HistoryRepair.holdAlone(atHistory: path) {
        case let .success(fd): alone = fd
        case let .failure(others):
            guard force else { throw CommandFailure(Wording.historyInUse(others.users.map(\.description)), .badInput) }
            StandardStreams.writeError("zqt: " + TerminalText.line(Wording.recoveringWhileInUse(others.users.map(\.description))) + "\n")
        }
        defer { if alone >= 0 { close(alone) } }
        do throws(HistoryRepair.RecoveryFailure) {
            let result = try HistoryRepair.recover(path: path, stamp: Self.stamp())
            for line in Wording.recovered(result) { CommandSupport.say(line) }
        } catch {
            if let reason = error.nothingReadable { throw CommandFailure(Wording.recoveryReadNothing(path: path, reason: reason), .badInput) }
            throw CommandFailure("cannot recover the history: \(error.message)", .badInput)
        }
    }

    /// UTC, to the second: sorts, and two recoveries do not collide.
    static func stamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let pad = { (value: Int32, width: Int) in CivilTime.pad(Int(value), width) }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "-"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2)
    }
}
