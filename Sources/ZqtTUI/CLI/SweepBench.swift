// `zqt bench sweep` and `zqt bench startup` (issue 18): what following many
// tasks costs, and what network use adds to memory, measured through the
// code `zqt send --sweep` and the screen run, against a sandbox in this
// process (so its own work counts too: it answers every query and draws
// every result image).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Model
import Sandbox

extension BenchCommand {
    /// A sweep of `tasks` tasks of `taskSeconds` each, `parallel` at once,
    /// with its history and kept images in a fresh folder under `home`: the
    /// wall time, the CPU time and the peak resident memory of the whole.
    /// The sweep's own lines go to standard error, as with `zqt send --json`.
    func runSweepBench() throws {
        let server = SandboxServer(options: SandboxOptions(taskSeconds: taskSeconds))
        let url = try server.start()
        defer { server.stop() }
        let folder = home + "/sweep-\(getpid())-\(time(nil))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(inFolder: folder)
        let configuration = ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, timeout: 30, profile: "sandbox")
        var runner = SweepRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: store,
                                 printer: LinePrinter(prefix: "", toStandardError: true), parallel: parallel)
        runner.home = folder
        let seeds = (1...max(1, tasks)).map(String.init).joined(separator: ",")
        let requestText = BundledExamples.controlNetJSON
        print("sweep of \(tasks) tasks of \(JSONWriter.formatNumber(taskSeconds)) s, \(parallel) at once, against the sandbox in this process")
        print("resident memory before: \(Self.memory(Self.status("VmRSS")))")
        Self.resetPeakMemory()
        let cpuBefore = Self.cpuSeconds()
        let started = monotonicSeconds()
        let sweep = runner
        let exit = Self.wait { await sweep.run(requestText: requestText, endpoint: .controlNet, specs: ["seed=\(seeds)"]) }
        let wall = monotonicSeconds() - started
        let cpu = Self.cpuSeconds() - cpuBefore
        let ideal = (Double(tasks) / Double(max(1, parallel))).rounded(.up) * taskSeconds
        print("exit \(exit); wall \(String(seconds: wall)) (the tasks alone: \(String(seconds: ideal))), CPU \(String(seconds: cpu))")
        print("peak resident memory during the sweep: \(Self.memory(Self.status("VmHWM"))); after it: \(Self.memory(Self.status("VmRSS")))")
        print("task queries answered: \(server.service.queryCount) (\(JSONWriter.formatNumber((Double(server.service.queryCount) / Double(max(1, tasks)) * 10).rounded() / 10)) a task)")
    }

    /// Resident memory along the screen's start: with no network use (the
    /// catalog read, the history opened, the first frame to the grid), then
    /// after the start-up key check and the model lists read from the
    /// sandbox (libcurl loaded), then after one send followed to its end.
    func runStartupBench() throws {
        let folder = home + "/startup-\(getpid())-\(time(nil))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        print("resident memory, this process (not the screen's own: no terminal, no ncurses)")
        print("  at start: \(Self.memory(Self.status("VmRSS")))")
        let store = try HistoryStore.open(inFolder: folder)
        var state = AppState(request: .new(for: .controlNet, taskID: "zqt-bench"),
                             connection: ConnectionInfo(baseURL: "http://127.0.0.1:9", profile: "bench", isSandbox: true))
        state.view.size = Size(width: 120, height: 40)
        _ = Screen.render(state)
        _ = try store.loadModelLists(service: "bench")
        print("  without network (history opened, first frame to the grid): \(Self.memory(Self.status("VmRSS"))), \(Self.librariesMapped()) libraries mapped")

        let server = SandboxServer(options: SandboxOptions(taskSeconds: taskSeconds))
        let url = try server.start()
        defer { server.stop() }
        let configuration = ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, timeout: 30, profile: "sandbox")
        let api = HTTPImageAPI(configuration: configuration)
        let keysChecked: Bool = Self.wait {
            do throws(APIError) {
                _ = try await api.queryModels(pageNum: 1, pageSize: 1, checkpoint: nil, name: nil)
                return true
            } catch {
                return false
            }
        }
        print("  after the key check (one model list page): \(Self.memory(Self.status("VmRSS"))), \(Self.librariesMapped()) libraries mapped (keys \(keysChecked ? "accepted" : "refused"))")
        let paths = ModelListPaths()
        let lists: Int = Self.wait {
            var read = 0
            for kind in ModelListKind.allCases {
                if let list = try? await api.readModelList(kind, path: paths.path(for: kind)) { read += list.items.count }
            }
            return read
        }
        print("  after the model lists (\(lists) items): \(Self.memory(Self.status("VmRSS")))")
        let pipeline = SendPipeline(api: api, store: store, baseURL: url, profile: "sandbox") { _ in }
        let request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let events: Int = Self.wait {
            var count = 0
            for await _ in pipeline.run(request) { count += 1 }
            return count
        }
        print("  after one send followed to its end, no picture kept (\(events) events): \(Self.memory(Self.status("VmRSS")))")
        FreedMemory.giveBack()
        print("  and after the freed memory is given back: \(Self.memory(Self.status("VmRSS")))")
    }

    /// Runs async work to its end from this synchronous command.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        Task.detached {
            result.value = await body()
            done.signal()
        }
        done.wait()
        return result.value!
    }

    final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    /// A line of /proc/self/status, in KiB (0 where /proc is not there).
    static func status(_ field: String) -> Int { procField("/proc/self/status", field + ":") }

    static func memory(_ kib: Int) -> String {
        JSONWriter.formatNumber((Double(kib) / 1024 * 10).rounded() / 10) + " MB"
    }

    /// Starts the peak (VmHWM) again from now (Linux's clear_refs, 5).
    static func resetPeakMemory() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }

    /// User and system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// A file of /proc read to its end (they say their size is 0, so a read by size stops short).
    static func procFile(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while bytes.count < 4 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Shared libraries mapped now.
    static func librariesMapped() -> Int {
        let maps = procFile("/proc/self/maps")
        return Set(maps.split(separator: "\n").compactMap { line -> Substring? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last, path.contains(".so") else { return nil }
            return path
        }).count
    }
}
