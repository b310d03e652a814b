// The history database's schema, as numbered migrations. `PRAGMA
// user_version` records how many have run; each runs once, in its own
// transaction, and a database from a newer zqt is refused, not touched.
// Never edit a migration that has shipped: add the next one.

public enum HistorySchema {
    public struct Migration: Sendable {
        public let version: Int
        public let sql: String
        /// Work SQL alone cannot do, run after `sql` in the same transaction.
        public var then: (@Sendable (SQLiteConnection) throws(SQLiteError) -> Void)?
    }

    public static let migrations: [Migration] = [
        // 1: submissions and their results. The JSON documents come last in
        // the row: SQLite reads a row's columns in order, and the list's
        // columns then never wade through a request's overflow pages.
        Migration(version: 1, sql: """
        CREATE TABLE submission (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            endpoint TEXT NOT NULL,
            base_url TEXT NOT NULL,
            profile TEXT NOT NULL,
            created_at REAL NOT NULL,
            id_task TEXT NOT NULL,
            service_task_id TEXT,
            prompt TEXT NOT NULL,
            model TEXT NOT NULL,
            image_count INTEGER NOT NULL,
            state TEXT NOT NULL,
            http_status INTEGER,
            task_status INTEGER,
            task_desc TEXT,
            progress REAL,
            error TEXT,
            submitted_at REAL,
            finished_at REAL,
            updated_at REAL NOT NULL,
            request_json TEXT NOT NULL,
            response_json TEXT,
            last_query_json TEXT
        );
        CREATE INDEX submission_id_task ON submission(id_task);
        CREATE INDEX submission_unfinished ON submission(state) WHERE state IN ('sending', 'submitted', 'queued', 'running');
        CREATE TABLE result (
            submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            image_url TEXT NOT NULL,
            seed INTEGER,
            image_status INTEGER,
            audit_passed INTEGER,
            audit_labels TEXT NOT NULL DEFAULT '',
            local_path TEXT,
            PRIMARY KEY (submission_id, position)
        );
        """),
        // 2: filtering as you type over a large history, and the compose draft.
        // Two indexes serve the filter (HistoryFilter): a trigram index over
        // prompt, task ids, model, endpoint and state, where any three
        // characters anywhere find a row (search_text is computed by SQLite,
        // so it never goes stale); and a word index over prompt and model,
        // where one or two letters find words starting with them and Chinese
        // characters are words of their own (HistoryWords), for the short
        // filters the trigram index cannot answer. Its prefix indexes make
        // "s*" one list to read, newest first, instead of a merge of every
        // word starting with s (14 ms over 100,000 rows, 0.1 ms with them).
        Migration(version: 2, sql: """
        ALTER TABLE submission ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
            prompt || char(10) || id_task || char(10) || coalesce(service_task_id, '') || char(10)
            || model || char(10) || endpoint || char(10) || state
        ) VIRTUAL;
        CREATE VIRTUAL TABLE submission_search USING fts5(
            search_text, content='submission', content_rowid='id', tokenize='trigram'
        );
        INSERT INTO submission_search(submission_search) VALUES ('rebuild');
        CREATE VIRTUAL TABLE submission_words USING fts5(
            words, tokenize='unicode61 remove_diacritics 2', prefix='1 2'
        );
        CREATE TRIGGER submission_search_insert AFTER INSERT ON submission BEGIN
            INSERT INTO submission_search(rowid, search_text) VALUES (new.id, new.search_text);
        END;
        CREATE TRIGGER submission_search_delete AFTER DELETE ON submission BEGIN
            INSERT INTO submission_search(submission_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            DELETE FROM submission_words WHERE rowid = old.id;
        END;
        CREATE TRIGGER submission_search_update AFTER UPDATE OF prompt, id_task, service_task_id, model, endpoint, state ON submission BEGIN
            INSERT INTO submission_search(submission_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO submission_search(rowid, search_text) VALUES (new.id, new.search_text);
        END;
        CREATE TABLE draft (
            slot TEXT PRIMARY KEY,
            endpoint TEXT NOT NULL,
            request_json TEXT NOT NULL,
            field_drafts TEXT NOT NULL,
            saved_at REAL NOT NULL
        );
        """, then: { db throws(SQLiteError) in
            // The word index of rows written before it existed.
            let rows = try db.run("SELECT id, prompt, model FROM submission")
            let insert = try db.prepare("INSERT INTO submission_words(rowid, words) VALUES (?, ?)")
            for row in rows {
                try insert.bind([.int(row.int(0) ?? 0), .text(HistoryWords.text(prompt: row.text(1) ?? "", model: row.text(2) ?? ""))])
                _ = try insert.step()
            }
        }),
        // 3: every endpoint (issue 7). A tool may answer with text (an expanded
        // prompt, an image description): such a result row has an empty
        // image_url and its text here. Endpoints were always stored by path.
        // The list counts a row's images (not its texts) from this partial
        // index alone, as it counted every result from the primary key before.
        // A send with no answer is "unknown" until the service is asked (issue 8):
        // such rows are followed at start like the others.
        Migration(version: 3, sql: """
        ALTER TABLE result ADD COLUMN text TEXT;
        CREATE INDEX result_images ON result(submission_id) WHERE text IS NULL;
        DROP INDEX submission_unfinished;
        CREATE INDEX submission_unfinished ON submission(state) WHERE state IN ('sending', 'submitted', 'queued', 'running', 'unknown');
        """),
        // 4: the service's model lists (zhiqite-api.md §1.4–§1.7), kept so the
        // pickers have them at start without waiting for the network. One row
        // per service and list: `service` is the base URL ("sandbox" for the
        // in-process sandbox, whose port changes every run), `items_json` a
        // compact array of {name, display, base}, `fetched_at` the last refresh.
        Migration(version: 4, sql: """
        CREATE TABLE model_list (
            service TEXT NOT NULL,
            kind TEXT NOT NULL,
            path TEXT NOT NULL,
            fetched_at REAL NOT NULL,
            complete INTEGER NOT NULL,
            item_count INTEGER NOT NULL,
            items_json TEXT NOT NULL,
            PRIMARY KEY (service, kind)
        );
        """),
        // 5: sweeps (issue 10). The rows of one `zqt send --sweep` share a
        // batch id (NULL for a single send). The partial index serves the
        // filter's `batch:ID` and each row's count of its batch; rows outside
        // a batch, nearly all of them, cost it nothing.
        Migration(version: 5, sql: """
        ALTER TABLE submission ADD COLUMN batch_id TEXT;
        CREATE INDEX submission_batch ON submission(batch_id, id) WHERE batch_id IS NOT NULL;
        """),
        // 6: text results are found by the filter (issue 17): a description,
        // the expansion candidates, a style. The row keeps its texts joined in
        // result_text (the result table keeps each), which both indexes take
        // in: the trigram index through search_text, made again with it (a
        // generated column cannot be altered: it is dropped with its index and
        // triggers and added anew), and the word index as the store writes it.
        Migration(version: 6, sql: """
        DROP TRIGGER submission_search_insert;
        DROP TRIGGER submission_search_delete;
        DROP TRIGGER submission_search_update;
        DROP TABLE submission_search;
        ALTER TABLE submission DROP COLUMN search_text;
        ALTER TABLE submission ADD COLUMN result_text TEXT NOT NULL DEFAULT '';
        UPDATE submission SET result_text = (
            SELECT group_concat(text, char(10)) FROM (SELECT text FROM result WHERE submission_id = submission.id AND text IS NOT NULL ORDER BY position)
        ) WHERE id IN (SELECT submission_id FROM result WHERE text IS NOT NULL);
        ALTER TABLE submission ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
            prompt || char(10) || id_task || char(10) || coalesce(service_task_id, '') || char(10)
            || model || char(10) || endpoint || char(10) || state || char(10) || result_text
        ) VIRTUAL;
        CREATE VIRTUAL TABLE submission_search USING fts5(
            search_text, content='submission', content_rowid='id', tokenize='trigram'
        );
        INSERT INTO submission_search(submission_search) VALUES ('rebuild');
        CREATE TRIGGER submission_search_insert AFTER INSERT ON submission BEGIN
            INSERT INTO submission_search(rowid, search_text) VALUES (new.id, new.search_text);
        END;
        CREATE TRIGGER submission_search_delete AFTER DELETE ON submission BEGIN
            INSERT INTO submission_search(submission_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            DELETE FROM submission_words WHERE rowid = old.id;
        END;
        CREATE TRIGGER submission_search_update AFTER UPDATE OF prompt, id_task, service_task_id, model, endpoint, state, result_text
        ON submission BEGIN
            INSERT INTO submission_search(submission_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO submission_search(rowid, search_text) VALUES (new.id, new.search_text);
        END;
        """, then: { db throws(SQLiteError) in
            // The word index of rows with text results: their words too.
            let rows = try db.run("SELECT id, prompt, model, result_text FROM submission WHERE result_text != ''")
            let delete = try db.prepare("DELETE FROM submission_words WHERE rowid = ?")
            let insert = try db.prepare("INSERT INTO submission_words(rowid, words) VALUES (?, ?)")
            for row in rows {
                try delete.bind([.int(row.int(0) ?? 0)])
                _ = try delete.step()
                try insert.bind([.int(row.int(0) ?? 0), .text(HistoryWords.text(prompt: row.text(1) ?? "", model: row.text(2) ?? "",
                                                                                  results: row.text(3) ?? ""))])
                _ = try insert.step()
            }
        }),
        // 7: a result image that could not be kept is said on its row (issue 17)
        // with why, how many tries, whether the service said it is gone; tried again.
        Migration(version: 7, sql: """
        ALTER TABLE result ADD COLUMN keep_error TEXT;
        ALTER TABLE result ADD COLUMN keep_attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE result ADD COLUMN keep_gone INTEGER NOT NULL DEFAULT 0;
        """),
        // 8: local files as inputs (issue 17). Each local path a request's
        // image fields held, the URL its upload got and the file's SHA-256;
        // the request_json keeps the path. `store` names where it went (never
        // a secret) and `expires_at` when a presigned URL stops working: a
        // resend of the same bytes to the same store reuses a URL still valid,
        // found by the (sha256, store) index.
        Migration(version: 8, sql: """
        CREATE TABLE upload (
            submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            local_path TEXT NOT NULL,
            url TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            store TEXT NOT NULL,
            expires_at REAL,
            uploaded INTEGER NOT NULL,
            PRIMARY KEY (submission_id, field)
        );
        CREATE INDEX upload_file ON upload(sha256, store);
        """),
        // 9: the gallery (issue 17): the submissions with a kept picture, newest
        // first, a page at a time (GalleryQuery), read from this partial index
        // alone; text results and results without a copy cost it nothing.
        Migration(version: 9, sql: """
        CREATE INDEX result_kept ON result(submission_id, position) WHERE local_path IS NOT NULL AND text IS NULL;
        """),
        // 10: drafts saved in pieces (issue 18, DraftPieces): a save writes the
        // pieces it has not stored yet and the names of its pieces; a draft
        // saved before keeps its whole text in request_json and field_drafts.
        Migration(version: 10, sql: """
        CREATE TABLE draft_piece (key TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
        ALTER TABLE draft ADD COLUMN request_pieces TEXT;
        ALTER TABLE draft ADD COLUMN drafts_pieces TEXT;
        """),
        // 11 (issue 19): a task the user stopped following.
        // zqt no longer asks about it, nor at the next start, until `u` or
        // `zqt query` takes it up again. The service documents no cancel.
        Migration(version: 11, sql: """
        ALTER TABLE submission ADD COLUMN not_followed INTEGER NOT NULL DEFAULT 0;
        """),
    ]

    public static var currentVersion: Int { migrations.last?.version ?? 0 }

    /// Brings the database up to `target` (the newest by default). Each
    /// step is one transaction: a failure leaves the previous version whole.
    public static func migrate(_ connection: SQLiteConnection, upTo target: Int = currentVersion) throws(HistoryError) {
        let found: Int
        do {
            found = try connection.scalar("PRAGMA user_version") ?? 0
        } catch {
            throw .unreadable(path: connection.path, error)
        }
        if found > currentVersion {
            throw .newerSchema(path: connection.path, found: found, known: currentVersion)
        }
        for migration in migrations where migration.version > found && migration.version <= target {
            do {
                try connection.transaction { () throws(SQLiteError) in
                    // Another zqt starting at the same moment may have run it while
                    // this one waited for the write lock: read the version again under it.
                    guard (try connection.scalar("PRAGMA user_version") ?? 0) < migration.version else { return }
                    try connection.execute(migration.sql)
                    try migration.then?(connection)
                    try connection.execute("PRAGMA user_version = \(migration.version)")
                }
            } catch {
                throw .migrationFailed(path: connection.path, version: migration.version, error)
            }
        }
    }
}

/// What can go wrong with the history file, each naming the file.
public enum HistoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotCreateFolder(path: String, reason: String)
    case unreadable(path: String, SQLiteError)
    case newerSchema(path: String, found: Int, known: Int)
    case migrationFailed(path: String, version: Int, SQLiteError)
    case write(path: String, SQLiteError)
    /// The database is missing but its write-ahead log is not (issue 21).
    case journalWithoutDatabase(path: String, journal: String)

    public var description: String { message }

    /// The file itself is damaged (SQLite's corruption codes), as opposed to
    /// a disk that refuses writes: zqt then goes on as without a history
    /// (issue 21: "the compose screen still works without a history").
    public var isDamage: Bool {
        switch self {
        case let .unreadable(_, error), let .write(_, error): return error.isCorrupt
        default: return false
        }
    }

    /// One line for the status bar or stderr.
    public var message: String {
        switch self {
        case let .cannotCreateFolder(path, reason):
            return "Cannot create the history folder \(path): \(reason)"
        case let .unreadable(path, error) where error.isCorrupt, let .write(path, error) where error.isCorrupt:
            return "History \(path) is damaged or not a zqt database (\(error.message)); it was left as it is. "
                + "`zqt history check` says what is wrong; `zqt history recover` copies what can be read into a new history and keeps this one beside it."
        case let .journalWithoutDatabase(path, journal):
            return "History \(path) is missing but its log \(journal) is there; both were left as they are. "
                + "`zqt history recover` makes a history of what the log holds; moving the log away starts a new one."
        case let .unreadable(path, error):
            return "Cannot read history \(path): \(error.message)"
        case let .newerSchema(path, found, known):
            return "History \(path) was written by a newer zqt (schema \(found); this one knows \(known)): read-only here, nothing new can be kept. "
                + "Update zqt, or set ZQT_HOME to another folder to send from this one."
        case let .migrationFailed(path, version, error):
            return "Cannot upgrade history \(path) to schema \(version): \(error.message); it was left at the previous version."
        case let .write(path, error):
            return "Cannot write history \(path): \(error.message)"
        }
    }
}

/// A history opened to be read only (issue 21): one from a newer zqt, or
/// one whose folder (or the file itself) refuses writes.
public struct HistoryReadOnly: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// Written by a newer zqt: never migrated down or written.
        case newerSchema(found: Int, known: Int)
        /// The folder or the file cannot be written (a read-only mount, a mode
        /// that refuses this user). `snapshot`: not even its -shm could be made,
        /// so it is read as an immutable file (HistoryOpening), without the rows
        /// of a log (`-wal`) left beside it, which `logLeftUnread` says.
        case cannotWrite(DiskFault, snapshot: Bool, logLeftUnread: Bool)
    }

    public let cause: Cause

    public init(found: Int, known: Int) { cause = .newerSchema(found: found, known: known) }

    public init(cannotWrite fault: DiskFault, snapshot: Bool, logLeftUnread: Bool) {
        cause = .cannotWrite(fault, snapshot: snapshot, logLeftUnread: logLeftUnread)
    }

    /// The disk's refusal, when that is why (not a newer zqt's schema).
    public var diskFault: DiskFault? {
        if case let .cannotWrite(fault, _, _) = cause { return fault }
        return nil
    }

    /// Read as an immutable file: every connection to it must be opened so.
    public var isSnapshot: Bool {
        if case .cannotWrite(_, true, _) = cause { return true }
        return false
    }

    /// What a write is refused with: the newer schema's words, or the disk's
    /// fault (so a send is refused for want of its row, as on a full disk).
    public func refusal(path: String) -> HistoryError {
        switch cause {
        case let .newerSchema(found, known):
            return .newerSchema(path: path, found: found, known: known)
        case let .cannotWrite(fault, _, _):
            return .write(path: path, SQLiteError(code: 8, message: fault == .full ? "the disk was full when it was opened" : "the history was opened read-only",  // SQLITE_READONLY
                                                  systemErrno: fault.errorNumber))
        }
    }
}
