// The exit statuses of every zqt command, in one place (issue 10), so a
// script can tell "try again later" from "fix the input" from "it failed":
//   0  done
//   1  the service or the task failed (an API error, a failed task)
//   2  bad input or configuration (a bad file or flag, missing keys)
//   3  network (refused, unreachable, timed out, the connection lost)
//   4  zqt's history could not be written (the disk full, the folder
//      read-only): nothing was sent (issue 21); not the input's fault

import ArgumentParser
import Model

enum ZqtExit: Int32, CaseIterable {
    case success = 0
    case failed = 1
    case badInput = 2
    case network = 3
    /// A send refused because its history row could not be written (issue 21:
    /// an accepted task must always have its row): free room and send again.
    case notRecorded = 4

    /// The class of an error from the service's client (Model's FailureClass).
    init(_ error: APIError) {
        if case .notRecorded = error {
            self = .notRecorded
        } else {
            self.init(FailureClass(error))
        }
    }

    /// A failure's status, as the send pipeline classes it.
    init(_ failureClass: FailureClass) {
        switch failureClass {
        case .failed: self = .failed
        case .badInput: self = .badInput
        case .network: self = .network
        }
    }

    /// What a command throws to end with this status (its message already written).
    var exitCode: ExitCode { ExitCode(rawValue) }

    /// The table `--help` shows.
    static let helpText = """
        Exit status: 0 done; 1 the service or the task failed; 2 bad input or configuration; 3 network; \
        4 nothing sent: the history could not be written (the disk full, the folder read-only).
        """
}

/// A command's end with a message on standard error and its status.
struct CommandFailure: Error {
    let message: String
    let status: ZqtExit

    init(_ message: String, _ status: ZqtExit) {
        self.message = message
        self.status = status
    }

    init(_ error: APIError) {
        self.init(error.message, ZqtExit(error))
    }
}
