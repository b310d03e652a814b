// What the history screen says (issue 4): rows marked, queried, deleted,
// copied and saved; a past request or result carried into a form; and the
// titles of its boxes and comparisons. Keys are named as bound.

import Model

extension Wording {
    /// On stderr, before the screen's first frame, once the open has waited a
    /// second on another zqt holding the history (a sweep's checkpoint): it
    /// goes on waiting, up to a minute, and the screen showed nothing (leftovers20).
    static func historyHeldByAnother(_ path: String) -> String {
        "zqt: another zqt holds the history (\(TerminalText.line(path))); waiting for it to let go, up to a minute…\n"
    }

    /// A row of a sweep over several servers (issue 20): the profile that made it, before its prompt.
    static func batchServer(_ profile: String) -> String { "[\(TerminalText.line(profile))] " }

    // MARK: Rows and entries

    static func sentAlone(_ idTask: String) -> String { "\(idTask) was sent alone, not in a sweep (zqt send --sweep)" }
    static func unmarked(_ idTask: String) -> String { "Unmarked \(idTask)" }

    static func marked(_ idTask: String, compareKey: String) -> String {
        "Marked \(idTask): \(compareKey) on another entry compares the two"
    }

    static func markFirst(markKey: String, compareKey: String) -> String {
        "Mark an entry with \(markKey) first, then \(compareKey) on another compares them"
    }

    static let thatIsTheMarkedEntry = "That is the marked entry: choose another one to compare with it"
    static func deleted(_ idTask: String) -> String { "Deleted \(idTask) from history" }
    static let entryGone = "That entry is no longer in the history (deleted elsewhere?)"

    // MARK: The filter's answer

    /// The words typed are searched and no row of another filter is shown meanwhile: said in the list, not
    /// an empty list, nor the shorter filter's "Nothing matches" (newcomer19).
    static func searchingFor(_ filter: String) -> String { "Searching for “\(filter)”…" }

    /// Every row searched, none matches.
    static func nothingMatches(_ filter: String) -> String { "Nothing matches “\(filter)”. Esc clears the filter." }

    /// None of the newest rows matches, the older ones still searched (issue 18, filterframe18):
    /// said in the frame the first answer comes in, as a filter that matches shows its first
    /// rows there, not an empty list until every row is searched.
    static func nothingMatchesYet(_ filter: String) -> String {
        "None of the newest submissions matches “\(filter)”; searching the older ones… Esc clears the filter."
    }

    // MARK: Asking the service

    /// An A1111 server has no accepting step (issue 20's re-check): its row's send did not run there.
    static func neverAccepted(_ idTask: String, resendKey: String, server: ServerKind = .zhiqite) -> String {
        server == .a1111 ? "\(idTask) did not run on the server (the send failed): \(resendKey) sends it again"
            : "\(idTask) was never accepted (the send failed): \(resendKey) sends it again"
    }

    static func askingService(_ idTask: String, server: ServerKind = .zhiqite) -> String {
        server == .a1111 ? "Asking the server about \(idTask)…" : "Asking the service about \(idTask)…"
    }

    /// A task sent through another profile is asked of its own service (issue 19), said as it goes;
    /// an A1111 profile's login is not keys.
    static func askingRowService(_ idTask: String, baseURL: String, profile: String, server: ServerKind = .zhiqite) -> String {
        let with = server == .a1111 ? "through profile \(APIError.printable(profile))" : "with profile \(APIError.printable(profile))'s keys"
        return "Asking \(APIError.printable(baseURL)) (where it was sent, \(with)) about \(idTask)…"
    }

    /// `zqt query`'s note on stderr: which service is asked, with which keys.
    static func askingRowServiceNote(_ idTask: String, baseURL: String, profile: String, known: Bool, server: ServerKind? = nil) -> String {
        let keys = askingWith(profile: profile, known: known, server: server)
        return "note: asking \(APIError.printable(baseURL)), where \(APIError.printable(idTask)) was sent, with \(keys)"
    }

    /// The screen does not send one profile's keys to another profile's service: the row's own profile is needed.
    static func rowProfileUnusable(_ idTask: String, baseURL: String, profile: String, problem: String) -> String {
        "Not asked: \(idTask) was sent to \(APIError.printable(baseURL)) with profile \(APIError.printable(profile)), which cannot be used (\(problem))"
    }

    static func noConfigForProfile(_ profile: String) -> String {
        "there is no config file, so no profile \(APIError.printable(profile))"
    }

    /// Why an in-process sandbox's unfinished task was closed (it ends with its zqt).
    static let sandboxStopped = "The sandbox that ran this task has stopped (it lives only as long as its zqt)"

    /// After a query's answer: which service answered, when it was not the one in use.
    static func askedAt(_ baseURL: String?) -> String {
        baseURL.map { " (asked \(APIError.printable($0)))" } ?? ""
    }

    /// A query's answer: the service's description (else its status), how far, how many images.
    static func queried(_ idTask: String, desc: String, status: Int, progress: Double?, images: Int?) -> String {
        let percent = progress.map { " " + Wording.percent($0) } ?? ""
        let results = images.map { " · " + count($0, "image") } ?? ""
        return "Task \(idTask): \(desc.isEmpty ? "status \(status)" : desc)\(percent)\(results)"
    }

    /// `zqt history show` on a task the user stopped following (issue 19), as the screen marks its row.
    static func notFollowedLine(_ idTask: String) -> String {
        "not followed: zqt no longer asks about it (zqt query \(APIError.printable(idTask)) takes it up again)"
    }

    static func queryFailed(_ idTask: String, _ message: String) -> String { "Query for \(idTask) failed: \(message)" }

    // MARK: Copies and saved images

    static func requestJSONOf(_ idTask: String) -> String { "the request JSON of \(idTask)" }
    static func resultURLs(_ number: Int) -> String { number == 1 ? "the result URL" : "\(number) result URLs" }
    static let requestAsCurl = "the request as a curl command"

    /// Y on a form that would be refused: copied as it stands, the first problem said.
    static func requestAsCurlNotValid(_ path: String, _ message: String) -> String {
        "the request as a curl command, NOT VALID as it stands (\(path): \(message))"
    }

    /// What a record lacks for an action, with the state it is in.
    static func noResultURLs(_ idTask: String, state: String) -> String { "\(idTask) has no result URLs (\(state))" }
    static func noImagesToSave(_ idTask: String, state: String) -> String { "\(idTask) has no result images to save (\(state))" }
    static func noResultImage(_ idTask: String, state: String) -> String { "\(idTask) has no result image (\(state))" }
    static func noTextResult(_ idTask: String, state: String) -> String { "\(idTask) has no text result (\(state))" }

    static func saveImagesTitle(_ images: Int) -> String { "Save \(count(images, "image")) into folder" }
    static func savingImages(_ idTask: String, to folder: String) -> String { "Saving the images of \(idTask) to \(folder)…" }
    static func savedImages(_ saved: Int, of idTask: String, to folder: String) -> String { "Saved \(count(saved, "image")) of \(idTask) to \(folder)" }

    /// What became of copies that did not simply take their name (issue 17), after the count.
    static func savedNotes(_ notes: [String]) -> String { notes.isEmpty ? "" : "; " + notes.joined(separator: "; ") }

    static func savedSomeImages(_ saved: Int, of total: Int, to folder: String, firstFailure: String) -> String {
        "Saved \(saved) of \(total) images to \(folder); \(firstFailure)"
    }

    // MARK: Comparisons

    static func comparedWithForm(_ idTask: String) -> String { "\(idTask) → the form now" }
    static func compared(_ first: String, _ second: String) -> String { "\(first) → \(second)" }

    // MARK: Into a form

    static func historyNotSent(path: String, message: String, editKey: String) -> String {
        "Not sent: \(path): \(message) · \(editKey) opens it in the form to fix"
    }

    static func sendingAgain(_ idTask: String, as newID: String) -> String { "Sending \(idTask) again as \(newID)…" }

    /// After any key but yes to sending a row again (newcomer24: the status line kept an older message).
    static func notSentAgain(_ idTask: String) -> String { "Not sent: \(idTask) stays as it was, nothing went to the server" }

    /// By the form's own title: image2image on the service, img2img on an A1111 server (issue 20).
    static func image2imageFrom(_ idTask: String, form: String, submitKey: String) -> String {
        "\(TerminalText.line(form)) starts from \(idTask)'s image, its prompt and settings carried over: \(submitKey) sends it"
    }

    static func promptFrom(_ idTask: String, into endpoint: String, submitKey: String) -> String {
        "The prompt of \(endpoint) is now \(idTask)'s text: \(submitKey) sends it"
    }

    static func openedFromHistory(_ idTask: String, into endpoint: String, submitKey: String) -> String {
        "Opened \(idTask) from history into \(endpoint) with a new task id: edit, then \(submitKey) sends it"
    }
}
