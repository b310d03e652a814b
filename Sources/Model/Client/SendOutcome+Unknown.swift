// Whether a failed send may still have been accepted (issue 8). A request
// that left without an answer (timed out, the connection lost, a gateway
// error or a page that is not the service's) may have reached the service
// and started a task; only the service can say, so zqt asks it before
// calling the send failed.

extension APIError {
    /// The request may have reached the service although no answer says so.
    public var mayHaveBeenAccepted: Bool {
        switch self {
        case .timedOut, .connectionLost, .transport, .notJSON: return true
        case let .httpStatus(status, _): return status >= 500
        // A gateway's 503 may come after the request went on; a 429, or the service's own busy envelope, refused it.
        case let .busy(answer): return answer.code == nil && answer.httpStatus >= 500
        default: return false
        }
    }

    /// A call that lasts as long as its job (an A1111 server's, issue 20)
    /// ended without the server's own answer, so the job may have run on:
    /// the connection was lost or timed out, or a gateway in front of the
    /// server gave up waiting (502, 504). Any other HTTP answer, a 500 with
    /// a plain-text body among them, is the server's own and ended the job:
    /// it is a failure said as such, and counts toward a sweep's rule of
    /// 500s in a row (newcomer, 34a19b4: a plain-text 500 was "outcome
    /// unknown" and the server that sent it stayed in the sweep).
    public var callMayHaveOutlivedItsAnswer: Bool {
        switch self {
        case .timedOut, .connectionLost, .transport: return true
        case let .httpStatus(status, _), let .notJSON(status, _): return status == 502 || status == 504
        case let .busy(answer): return answer.code == nil && (answer.httpStatus == 502 || answer.httpStatus == 504)
        default: return false
        }
    }
}

/// What the service says about a send that had no answer.
public enum SendConfirmation: Sendable, Equatable {
    /// It has the task: follow it like any other.
    case accepted(TaskInfo)
    /// It has no such task: the send failed, nothing runs.
    case notAccepted(APIError)
    /// It could not be asked (still unreachable, or the family has no query):
    /// the row stays "outcome unknown", asked again at start or with `u`.
    case stillUnknown(APIError)
}
