// What can happen to the app (actions, in) and what the app asks the world
// to do (effects, out). The effect runner performs effects and feeds their
// results back as actions; the reducer never touches the network or disk.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Images

extension Action {
    /// Actions whose reduction changes nothing a frame shows: a draft's save
    /// or a long text's read coming due (what they start answers with
    /// actions of its own). A wake that brings only these draws no frame
    /// (TerminalApp): two a key typed after a pause were frames drawn for
    /// nothing, 3-4 ms each with a megabyte's preview far into its text
    /// (issue 18, screenfar22).
    var changesNothingShown: Bool {
        switch self {
        case .draftSaveDue, .textReadDue: true
        default: false
        }
    }

    /// A history fault as the screen is told it: a damaged file is its own
    /// action (said once, with what to do), any other the history's words.
    static func historyFault(_ error: HistoryError) -> Action {
        switch error {
        case let .unreadable(_, sqlite) where sqlite.isCorrupt, let .write(_, sqlite) where sqlite.isCorrupt:
            return .historyDamaged(error.message)
        default:
            return .historyFailed(error.message)
        }
    }
}

enum Action: Sendable {
    case key(Key)
    /// A click or the wheel over what the last frame drew (issue 19).
    case pointer(PointerInput)
    /// Text that arrived in one burst (a paste), inserted as it is.
    case paste(String)
    /// Characters typed between two reads of the terminal: the same as each
    /// as a `.key`, but what goes into an edit goes in with one insert.
    case typed(String)
    case resize(Size)
    /// The spinner's clock; only runs while something is in flight.
    case tick
    /// Another whole second while a task is followed (at most one a second, none while idle; issue 19).
    case secondElapsed
    /// `recordID` is the request's history row (nil without a history).
    case submitFinished(request: Request, recordID: Int?, result: Result<Submission, APIError>)
    /// A send that had no answer, and what the service said when asked about it (issue 8).
    case submitUnanswered(request: Request, recordID: Int?, error: APIError, confirmation: SendConfirmation)
    /// How far the local files of the request being sent have uploaded (issue 17).
    case uploadProgress(UploadProgress)
    case poll(recordID: Int?, idTask: String, PollEvent)
    case pollEnded(recordID: Int?, idTask: String, error: APIError?)
    /// How far a generation call to an A1111 server is, while it runs (issue 20).
    case generationProgress(request: Request, recordID: Int?, TaskInfo)
    /// The server's answer to an interrupt (nil: taken).
    case interruptAnswered(idTask: String, error: APIError?)
    /// X or B while our A1111 job waits behind another client's: the stop goes once ours runs.
    case stopWaits(idTask: String, skip: Bool)
    /// The server's answer to a skip (nil: taken).
    case skipAnswered(idTask: String, error: APIError?)
    /// The model lists kept from earlier sessions for this service, read at start; `now` judges their age.
    case modelListsCached([ModelListKind: ModelList], now: Date)
    /// A list read from the service, or why it could not be, with the path asked.
    case modelListRead(ModelListKind, path: String, Result<ModelList, APIError>)
    case editorFinished(FieldID, text: String?, error: String?)

    // History (issue 4).
    case historyLoaded(HistoryPage)
    /// The latest submissions counted by endpoint, by the endpoint picker's line (issue 19).
    case endpointUsesCounted([String: Int])
    case entriesLoaded([HistoryRecord], EntryPurpose)
    /// A history read or write failed; the message names the file.
    case historyFailed(String)
    /// A history read or write met SQLite's "damaged" (SQLITE_CORRUPT/NOTADB) while the screen runs.
    case historyDamaged(String)
    case entryDeleted(id: Int, idTask: String)
    /// The answer to "query now".
    /// askedAt: the service asked, when not the one in use (a task sent through another profile, issue 19).
    case entryQueried(idTask: String, Result<TaskInfo, APIError>, askedAt: String? = nil)
    case imagesSaved(idTask: String, folder: String, saved: Int, failures: [String], notes: [String] = [])
    /// Text went to the terminal's clipboard.
    case clipboardWritten(what: String, bytes: Int)
    /// Text too large for OSC 52 written to `path` instead, or the error that kept it from being written.
    case copyKeptInFile(what: String, bytes: Int, path: String, error: String?)
    /// The user's catalog file holds a new endpoint, or could not take it (issue 9).
    case userEndpointSaved(Endpoint, file: String)
    case userEndpointFailed(String)
    case requestLoaded(ImportedRequest, source: String)
    /// The start's key check: nil when the service took the keys.
    case keysChecked(APIError?)
    case requestLoadFailed(String)
    /// The connection now in use after the profile switcher, or why it is unchanged (issue 10).
    case profileSwitched(Result<ProfileSwitch, ProfileSwitchFailure>)
    /// The config file read again (issue 19).
    case configFileRead(ConfigFileRead)
    // Pictures (issue 11).
    /// A task's images on disk (or why each is not), for where they are shown.
    case picturesFetched(PictureTarget, idTask: String, recordID: Int?, [ShownPicture])
    /// The picture a face detection scanned, its boxes drawn (issue 17).
    case faceScanShown(idTask: String, ShownPicture)
    /// A running task's intermediate image from `url`, on disk (nil: it could not be had).
    case intermediateFetched(idTask: String, url: String, LocalImage?)
    case contactSheetLoaded(ContactSheet)
    case contactSheetFailed(String)
    /// A full image decoded for the enlarged picture.
    case picturePrepared(path: String)
    /// What the terminal turned out to take, found on the first picture (chafa's terminal database, tmux).
    case pictureModeFound(PictureMode)
    /// Pictures a frame would show that are not decoded yet (Grid.picturesWanted): a placeholder stands in.
    case picturesWanted([String])
    /// Those pictures are decoded (or known not to be drawable): the next frame draws them.
    case picturesDecoded([String])
    /// A page of the gallery's kept pictures (issue 17).
    case galleryLoaded(GalleryPageLoaded)
    /// A gallery picture kept without a thumbnail, with the one made for it (or why none could be).
    case galleryThumbnailMade(GalleryItem)
    // Local files in image fields (issue 17, PathCompletionReducer).
    /// A folder read for a Tab completion or the file picker, or why it could not be.
    case folderRead(FolderRead, Result<DirectoryListing, FolderReadFault>)
    /// What each local path typed into an image field names now.
    case localFilesChecked([String: LocalFileState])

    // The session (issue 4).
    /// The first frame is on screen: what was kept from it starts now.
    case firstFrameDrawn
    /// The drafts' save is due (Effect.scheduleDraftSave).
    case draftSaveDue
    /// The history screen's A1111 rows are due to be read again (A1111RowsWatch).
    case a1111RowsRecheckDue
    /// What the current profile's A1111 server said of its job: its fraction done, nil when idle or not asked.
    case a1111ServerProgress(profile: String, fraction: Double?)
    /// A long text read whole (JSON, a URL list) is due to be read (Effect.scheduleTextRead, issue 18).
    case textReadDue
    /// Such a text read off the event loop (Effect.readText): the field's value, or why it cannot be used.
    case textRead(field: FieldID, revision: Int, Result<JSONValue?, FieldInputError>)
    /// Every draft a full disk or read-only folder held back is written now (issue 21).
    case draftsSavedAgain
    /// A file of drafts an earlier zqt could not keep in this history, newer than its drafts (issue 21).
    case unsavedDraftsFound(path: String, older: [String] = [])
    /// A history read-only for a full disk could be written again when a send asked (left21): the send goes on.
    case historyWritableAgain(request: Request, note: String)
    /// A request's pictures moved for the other kind of server (issue 20, KindMoveReducer).
    case kindMoved(KindMoveDone)
}

/// A profile switched to: what the screen may show of it (never a key).
struct ProfileSwitch: Equatable, Sendable {
    var name: String
    var baseURL: String
    var hasKeys: Bool
    /// The kind of server the profile names (issue 20).
    var server: ServerKind = .zhiqite
}

struct ProfileSwitchFailure: Error, Equatable, Sendable {
    var message: String
}

enum Effect: Equatable, Sendable {
    case submit(Request)
    /// A send refused for a full disk's read-only history: the history tries to open for writing
    /// (room may be back), and answers `.historyWritableAgain` if it did (left21).
    case retryWritableHistory(Request, note: String)
    case track(recordID: Int?, TaskReference)
    /// Read the kept model lists (after the first frame: never on the start-up path).
    case loadCachedModelLists
    /// Read these lists from the service, page by page, and keep them.
    case refreshModelLists([ModelListKind])
    /// One page of one item of §1.4's list: whether the service takes the keys,
    /// asked at start when every kept list is fresh and none is read (issue 10).
    case checkKeys
    case openEditor(FieldID, text: String)
    case quit

    // History (issue 4).
    /// A page of rows matching `filter`; `before` continues after a row id.
    case loadHistory(filter: String, before: Int?, limit: Int)
    /// The history screen was left: the filter's caches let go of (issue 18, mem23).
    case letGoOfHistoryFilter
    case loadEntries([Int], EntryPurpose)
    case deleteEntry(id: Int)
    case queryNow(HistoryRecord)
    case saveImages(HistoryRecord, folder: String)
    /// Put text on the terminal's clipboard (OSC 52); `what` names it in the confirmation.
    case copyToClipboard(String, what: String)
    /// Text too large for OSC 52 (Reducer.copy), kept in a file instead, whose path is said.
    case keepCopyInFile(String, what: String)
    /// Add an entry to the user's catalog file (a custom request saved, issue 9).
    case saveUserEndpoint(JSONValue, file: String)
    /// Read a request from a file's path or a pasted curl command (issue 10).
    case loadRequest(String, current: Endpoint)
    /// Use the config file's profile of this name for the next calls (issue 10).
    case switchProfile(String)
    /// No longer asks about a task, now nor at the next start (issue 19).
    case stopFollowing(recordID: Int?, idTask: String)
    /// Stops the A1111 server's job (POST /sdapi/v1/interrupt): its call answers with what it made (issue 20).
    case interruptGeneration(idTask: String)
    /// Skips the picture the A1111 server is making (POST /sdapi/v1/skip): the batch goes on with the next (issue 20).
    case skipGenerationImage(idTask: String)
    /// Reads the config file again when it changed (`asked`: always, and the outcome is said).
    case checkConfigFile(asked: Bool)
    // Pictures (issue 11).
    /// Have a task's images on disk (downloaded once into $ZQT_HOME/images) with their thumbnails.
    case fetchPictures(PictureFetch)
    /// A history row's images: its record read, then as fetchPictures. For
    /// the list (not `entry`), only those its pane shows are downloaded (issue 23).
    case fetchHistoryPictures(recordID: Int, entry: Bool = false)
    /// Every image of a row, beyond what one task may bring (issue 23), shown in `target`.
    case fetchRestOfPictures(PictureTarget, recordID: Int)
    case fetchIntermediate(idTask: String, url: String)
    /// Have the picture a face detection scanned, to draw its faces' boxes over (issue 17).
    case fetchFaceScan(FaceScanFetch)
    /// A sweep's rows and their first images, for a contact sheet.
    case loadContactSheet(batchID: String)
    /// Remove a task's kept images (its history row is being deleted).
    case deletePictures(idTask: String)
    /// Remove a failed task's intermediate images.
    case discardIntermediate(idTask: String)
    /// Decode a full image (for the enlarged picture) off the event loop.
    case preparePicture(path: String)
    /// Decode pictures a frame wanted off the event loop; answered by `.picturesDecoded`.
    case decodePictures([String])
    /// A page of kept pictures matching `filter`, with their thumbnails found on disk (issue 17);
    /// `before` (a submission id) continues after the last page.
    case loadGallery(filter: String, before: Int?, limit: Int)
    // Local files in image fields (issue 17).
    /// Read a folder (bounded, PathCompletion.entryLimit); answered by `.folderRead`.
    case readFolder(FolderRead)
    /// stat(2) these typed paths; answered by `.localFilesChecked`.
    case checkLocalFiles([String])

    // The session (issue 4).
    /// Follow again every task an earlier zqt left running (after the first frame).
    case resumeUnfinishedTasks
    /// Count the latest submissions by endpoint (the picker's ranking by use); answered by `.endpointUsesCounted`.
    case countEndpointUses
    /// Look for a file of drafts an earlier zqt could not keep in the history
    /// (issue 21), written after `after`; answered by `.unsavedDraftsFound` when there is one.
    case lookForUnsavedDrafts(after: Date?)
    /// Answer `.draftSaveDue` after DraftSaving.delay.
    case scheduleDraftSave
    /// Answer `.a1111RowsRecheckDue` after A1111RowsWatch.interval.
    case scheduleA1111RowsRecheck
    /// Ask the current connection's A1111 server `/sdapi/v1/progress`; answer `.a1111ServerProgress`.
    case askA1111Progress(profile: String)
    /// Keep these forms' drafts in the history, by slot (printed and written off the event loop).
    case saveDrafts([String: DraftForm])
    /// Answer `.textReadDue` after Reducer.textReadDelay.
    case scheduleTextRead
    /// Read an edit's text whole into the field's value on another thread; answered by `.textRead`.
    case readText(field: FieldID, spec: FieldSpec, revision: Int, TextBuffer)
    /// The catalog the history and loaded requests are read against from now on (an endpoint was saved).
    case useCatalog(EndpointCatalog)
    /// Move a request's pictures for the other kind of server off the event loop; answered by `.kindMoved`.
    case moveKind(KindMoveJob)
}
