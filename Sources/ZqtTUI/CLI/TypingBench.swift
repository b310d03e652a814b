// `zqt bench typing`: a key typed into a prompt holding a megabyte (issue
// 18), through the same code the terminal loop runs for a key: the reducer,
// the effect runner (the draft's save included, into a history of its own),
// the reducer again for the answers, and the screen grid. Keys come at a
// typing pace, so the draft's saves fall among them as they would.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model

extension BenchCommand {
    func runTyping() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-bench-typing-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(inFolder: folder)
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 5, profile: "bench")
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                  store: store, inbox: inbox)
        var state = AppState(request: .new(for: .controlNet, taskID: "zqt-bench"),
                             connection: ConnectionInfo(baseURL: configuration.baseURL, profile: "bench", isSandbox: false))
        state.view.size = Size(width: 120, height: 40)
        state.draftSaving = DraftSaving(saved: DraftCodec.drafts(of: state), kept: true)

        /// One action as the terminal loop handles it: reduce, perform, reduce the answers, render.
        func handle(_ action: Action) {
            var effects = Reducer.reduce(&state, action)
            while !effects.isEmpty {
                effects.forEach(runner.perform)
                effects = inbox.drain().flatMap { Reducer.reduce(&state, $0) }
            }
            _ = Screen.render(state)
        }

        /// Keys at 20 a second, as the loop takes them: at the end of the text,
        /// then twenty lines up, inside it. Prints their cost.
        func typeKeys(into what: String) {
            var perKey: [Double] = []
            let (cpuBefore, writtenBefore) = (Self.cpuSeconds(), Self.bytesWritten())
            for phase in 0..<2 {
                if phase == 1 {
                    for _ in 0..<20 { handle(.key(.up)) }
                }
                for character in "a lighthouse at dusk, 灯塔雨夜, ".prefix(keys / 2) {
                    let started = monotonicSeconds()
                    handle(.key(.char(character)))
                    perKey.append(monotonicSeconds() - started)
                    usleep(50_000)
                    for action in inbox.drain() { handle(action) }
                }
            }
            // The last save, as on the way out (TerminalApp ends with it).
            handle(.draftSaveDue)
            runner.finishDraftSaves()
            let cpu = Self.cpuSeconds() - cpuBefore
            let written = Self.bytesWritten() - writtenBefore
            let sorted = perKey.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            print("a key typed into \(what): p50 \(String(milliseconds: percentile(0.5))), p90 \(String(milliseconds: percentile(0.9))), worst \(String(milliseconds: sorted.last ?? 0)) (\(perKey.count) keys, 20 a second); CPU per key (every thread, saves included) \(String(milliseconds: cpu / Double(perKey.count))); bytes written per key (write and pwrite calls: the draft's saves) \(written / perKey.count)")
        }

        // The same keys into an empty prompt first, for comparison.
        handle(.key(.enter))
        typeKeys(into: "an empty prompt")
        handle(.key(.enter))

        let startRSS = Self.status("VmRSS")
        // A megabyte of prompt tags, English and Chinese, pasted into the prompt.
        let tags = ["masterpiece", "best quality", "一个女孩在雨中", "film grain", "灯塔", "soft light", "highly detailed"]
        var text = ""
        var index = 0
        while text.utf8.count < megabytes << 20 {
            text += tags[index % tags.count] + ", "
            index += 1
        }
        let pasteStarted = monotonicSeconds()
        handle(.paste(text))
        let pasteTime = monotonicSeconds() - pasteStarted
        guard let prompt = state.view.editing?.buffer.text, prompt.utf8.count > text.utf8.count else {
            throw BenchFailure("the paste did not land in the prompt")
        }
        let afterPaste = Self.status("VmRSS")
        print("pasted \(text.utf8.count) bytes (\(prompt.count) characters) into the prompt in \(String(seconds: pasteTime)); resident memory \(startRSS / 1024) MB before, \(afterPaste / 1024) MB after")
        typeKeys(into: "the \(megabytes) MB prompt")
        print("resident memory after typing: \(Self.status("VmRSS") / 1024) MB")
        let saved = try store.loadDrafts()[DraftCodec.currentSlot]
        let body = try saved.map { try JSONParser.parse($0.requestJSON) }
        guard body?.value(at: "prompt")?.stringValue == state.view.editing?.buffer.text else {
            throw BenchFailure("the saved draft does not hold the prompt as typed")
        }
        print("the saved draft holds the prompt as typed")
    }

    struct BenchFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }


    /// Bytes this process passed to write(2) and its kind (/proc/self/io's wchar).
    static func bytesWritten() -> Int { procField("/proc/self/io", "wchar:") }

    /// A "name: value" line of a /proc file, read whole by `procFile` (they say their size is 0).
    static func procField(_ file: String, _ name: String) -> Int {
        guard let line = procFile(file).split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
