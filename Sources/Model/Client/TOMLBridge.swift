// libZqtTOML.so (Sources/ZqtTOML), opened with dlopen the first time a
// config file is read. It sits beside the zqt executable (and the test
// binary) in the build folder; an installed zqt may keep it in ../lib/zqt.

#if canImport(Glibc)
import Glibc
#endif

/// TOMLKit's parse error as plain values.
public struct TOMLReadError: Error, Equatable, Sendable {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

public enum TOMLBridge {
    private typealias Convert = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32

    /// Loaded once; the reason it could not be, else.
    nonisolated(unsafe) private static let loaded: Result<Convert, TOMLReadError> = load()

    private static func load() -> Result<Convert, TOMLReadError> {
        let folder = executableFolder()
        var tried: [String] = []
        for candidate in [folder + "/libZqtTOML.so", folder + "/../lib/zqt/libZqtTOML.so", folder + "/../lib/libZqtTOML.so"] {
            tried.append(candidate)
            guard let library = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let symbol = dlsym(library, "zqt_toml_to_json") else { continue }
            return .success(unsafeBitCast(symbol, to: Convert.self))
        }
        let why = dlerror().map { String(cString: $0) } ?? "not found"
        return .failure(TOMLReadError(line: 0, column: 0,
                                      message: "cannot be read: zqt's TOML reader libZqtTOML.so did not load (\(why)); looked at \(tried.joined(separator: ", "))"))
    }

    /// The folder of the running executable (/proc/self/exe).
    private static func executableFolder() -> String {
        let path = executablePath()
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// The running executable's path (/proc/self/exe), "." when it cannot be read.
    public static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "." }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The subcommand of zqt that converts on its own: `zqt __toml-to-json < FILE`.
    public static let childCommand = "__toml-to-json"

    /// The conversion done by a child zqt (`executable __toml-to-json`): the
    /// full Foundation TOMLKit brings (about 7 MB) is then never loaded into
    /// zqt itself, which with libcurl loaded would pass the 32 MB budget.
    /// Its answer is as `toJSON`'s, the exit status saying which.
    public static func inChild(executable: String) -> @Sendable (String) -> Result<String, TOMLReadError> {
        { text in
            let output: ChildProcess.Output
            do {
                output = try ChildProcess.run(executable, [childCommand], input: text, timeout: 10, outputLimit: 4 << 20)
            } catch {
                return .failure(TOMLReadError(line: 0, column: 0, message: "cannot be read: zqt's TOML reader did not start (\(error))"))
            }
            switch output.status {
            case 0: return .success(output.stdout)
            case 1: return .failure(errorAnswer(output.stdout))
            default:
                let why = output.stderr.split(separator: "\n").first.map(String.init) ?? "status \(output.status)"
                return .failure(TOMLReadError(line: 0, column: 0, message: "cannot be read: zqt's TOML reader failed (\(why))"))
            }
        }
    }

    /// "LINE\tCOLUMN\tMESSAGE"; numbers read without trapping.
    static func errorAnswer(_ answer: String) -> TOMLReadError {
        let parts = answer.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
        let line = parts.count > 0 ? Int(parts[0]) ?? 0 : 0
        let column = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let message = parts.count > 2 ? String(parts[2]) : answer
        return TOMLReadError(line: line, column: column, message: message)
    }

    /// What the child prints: the JSON, or the error as `errorAnswer` reads it.
    public static func childAnswer(_ text: String) -> (status: Int32, output: String) {
        switch toJSON(text) {
        case let .success(json): return (0, json)
        case let .failure(error): return (1, "\(error.line)\t\(error.column)\t\(error.message)")
        }
    }

    /// The TOML document as JSON text, or where and why it is not TOML.
    public static func toJSON(_ text: String) -> Result<String, TOMLReadError> {
        let convert: Convert
        switch loaded {
        case let .success(function): convert = function
        case let .failure(error): return .failure(error)
        }
        var result: UnsafeMutablePointer<CChar>?
        let status = text.withCString { convert($0, &result) }
        defer { free(result) }
        let answer = result.map { String(cString: $0) } ?? ""
        if status == 0 { return .success(answer) }
        return .failure(errorAnswer(answer))
    }
}
