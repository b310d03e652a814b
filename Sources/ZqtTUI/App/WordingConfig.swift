// What the screen says of its config file (issue 19): a fault in full, with
// its file, line and column, and the file read again.

import Model

extension Wording {
    /// "FILE line 3, column 9" (or the file alone when the fault has no one place).
    static func configPlace(_ problem: ConfigProblem) -> String {
        let file = APIError.printable(problem.file)
        return problem.line > 0 ? "\(file), line \(problem.line), column \(max(problem.column, 1))" : file
    }

    /// The box over the screen: where, what, and what zqt does meanwhile.
    static func configProblemNotice(_ problem: ConfigProblem, keptEarlier: Bool, rereadKey: String,
                                    title: String = "The config file cannot be read") -> Notice {
        Notice(title: title, lines: [
            "In \(APIError.printable(problem.file))",
            (problem.line > 0 ? "at line \(problem.line), column \(max(problem.column, 1)): " : "") + APIError.printable(problem.message),
            "",
            keptEarlier
                ? "zqt goes on with the settings it read before (profiles, [keys], [defaults])."
                : "zqt goes on without it: the default service, no profiles, the shipped keys, no [defaults].",
            "Fix the file and zqt reads it again on the next screen change (or \(rereadKey)).",
            "",
            "Any key closes this.",
        ])
    }

    static func configProblemShort(_ problem: ConfigProblem, keptEarlier: Bool) -> String {
        (keptEarlier ? "Config file not read again" : "Config file left out")
            + ": fault at \(configPlace(problem)): \(APIError.printable(problem.message))"
    }

    static func configReadAgain(_ file: String, profiles: Int) -> String {
        let count = profiles == 1 ? "1 profile" : "\(profiles) profiles"
        return "Config file read again: \(APIError.printable(file)) (\(count); its [keys] and [defaults] apply from now on)"
    }

    static func configMissingNow(_ file: String) -> String {
        "No config file at \(APIError.printable(file)): zqt goes on with the settings it has"
    }

    /// `P` with a broken file: the profiles are in it, so they cannot be listed (the box says where and why).
    static let profilesUnreadableTitle = "No profiles to switch to: the config file cannot be read"

    static func profilesUnreadable(_ problem: ConfigProblem) -> String {
        "No profiles to switch to: the config file cannot be read (line \(problem.line), column \(max(problem.column, 1)) of \(APIError.printable(problem.file)))"
    }
}
