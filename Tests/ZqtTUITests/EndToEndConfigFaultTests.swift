// A broken config file as a new user meets it (issue 19): the screen says
// the fault in full in a box (file, line, column, plain words), `P` says the
// file is broken and where, every command that reads the file exits 2 with
// the same words on stderr, and a fixed file is read again on the next
// screen change, without restarting.

import Foundation
import TestScratch
import Model
import Testing

@Suite(.serialized) struct EndToEndConfigFaultTests {
    static let broken = "default_profile = \"x\"\n[profiles.x]\nbase_url = \"http://unclosed\n"

    @Test(.enabled(if: TmuxSession.isAvailable))
    func aBrokenFileIsSaidInFullAndAFixIsReadWithoutRestarting() async throws {
        let scratch = Scratch()
        try await offThePool {
            let setup = try EndToEndConfigTests.setUp(in: scratch) { _ in Self.broken }
            defer { try? FileManager.default.removeItem(atPath: setup.root) }
            let file = setup.configFolder + "/config.toml"
            let session = try TmuxSession(command: "\(setup.env) \(ZqtBinary.url.path) --sandbox", width: 120, height: 40)
            // The box: its title, the place as "line, column", and the fault in plain words, whole.
            // Waited for whole: under load tmux can show the box's title before its body is drawn (CI at 642bfdf).
            let box = try session.waitFor("the box with its fault") {
                $0.contains("The config file cannot be read") && $0.contains("the string is not closed")
            }
            #expect(box.contains("In \(file)"), "\(box)")
            #expect(box.contains("at line 3, column 28: the string is not closed: its closing quote is missing on this line"), "\(box)")
            #expect(!box.contains("unescaped control characters"), "toml++'s own words are not shown")
            // Any key closes it; P then says why there are no profiles.
            try session.send("Enter")
            try session.waitFor("the box to close") { !$0.contains("The config file cannot be read") }
            try session.send("P")
            let profiles = try session.waitFor(text: "No profiles to switch to: the config file cannot be read")
            #expect(profiles.contains("at line 3, column 28: the string is not closed"), "\(profiles)")
            try session.send("Enter")

            // The file fixed: the next screen change (F2 and back) reads it; P lists its profiles.
            try Data("[profiles.studio]\nbase_url = \"\(setup.baseURL)\"\n".utf8).write(to: URL(fileURLWithPath: file))
            try session.send("F2")
            try session.waitFor(text: "Config file read again: \(file) (1 profile")
            try session.send("F2")
            try session.send("P")
            try session.waitFor(text: "Profile (now")
            try session.waitFor(text: "studio")
            try session.send("Escape")
            try session.waitFor("the picker to close") { !$0.contains("Profile (now") }

            // Broken again: the settings read stay, the box says so; F reads it on demand.
            try Data(Self.broken.utf8).write(to: URL(fileURLWithPath: file))
            try session.send("F")
            let again = try session.waitFor("the box saying the settings stay") {
                $0.contains("The config file cannot be read") && $0.contains("settings it read before")
            }
            #expect(again.contains("settings it read before"), "\(again)")
            try session.send("Enter")
            try session.send("q")
            try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
        }
    }

    /// Every command that reads the file stops with 2 and says where (issue 19:
    /// `zqt history list`, `zqt keys` and `zqt paths` exited 0); the sandbox reads none.
    @Test func everyCommandThatReadsTheFileExitsTwo() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = scratch.path("zqt-config-fault")
            try FileManager.default.createDirectory(atPath: root + "/config/zqt", withIntermediateDirectories: true)
            let file = root + "/config/zqt/config.toml"
            try Data(Self.broken.utf8).write(to: URL(fileURLWithPath: file))
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
            let commands: [[String]] = [["history", "list"], ["keys"], ["paths"], ["models"], ["send", "--sandbox"],
                                        ["query", "x"], ["results", "x", "--download", root + "/out"], ["export", "--curl", "examples/text2image.json"],
                                        ["validate", "examples/text2image.json"]]
            for arguments in commands {
                let run = try ZqtBinary.run(arguments, environment: environment)
                #expect(run.status == 2, "zqt \(arguments.joined(separator: " ")) exited \(run.status)")
                #expect(run.stderr.contains("the config file cannot be read: \(file):3:"), "\(arguments): \(run.stderr)")
                #expect(run.stderr.contains("the string is not closed"), "\(arguments): \(run.stderr)")
                if arguments == ["paths"] {
                    // How a user finds the file to fix: the paths still print, then the fault and 2.
                    #expect(run.stdout.contains("config_file\t\(file)"), "paths printed \(run.stdout)")
                } else {
                    #expect(run.stdout.isEmpty, "\(arguments) printed \(run.stdout)")
                }
            }
            let help = try ZqtBinary.run(["sandbox", "--port", "bad"], environment: environment)
            #expect(!help.stderr.contains("config file"), "the sandbox does not read the file")
        }
    }
}
