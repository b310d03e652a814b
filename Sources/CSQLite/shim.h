// The system's SQLite (libsqlite3-dev), for zqt's history.
#ifndef ZQT_CSQLITE_SHIM_H
#define ZQT_CSQLITE_SHIM_H
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift
// cannot import: bound text is copied by SQLite with it.
static inline sqlite3_destructor_type zqt_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// zqt_row_ids(rowid, most): the rows' ids as one blob of native 64-bit
// integers, in the order SQLite visits them (issue 18). A filter's list of
// 83,000 rows read a row at a time through sqlite3_step costs 18-21 ms;
// gathered inside one statement, 10 ms (the step's return to the caller,
// once a row, was half the cost). Past `most` ids the statement fails with
// "zqt_row_ids: more than most" rather than gather an unbounded blob.
typedef struct {
    sqlite3_int64 *ids;
    sqlite3_int64 count;
    sqlite3_int64 capacity;
} zqt_row_ids_gathered;

static const char zqt_row_ids_too_many[] = "zqt_row_ids: more than most";

static inline void zqt_row_ids_step(sqlite3_context *context, int argc, sqlite3_value **argv) {
    zqt_row_ids_gathered *gathered = sqlite3_aggregate_context(context, sizeof(zqt_row_ids_gathered));
    if (gathered == NULL || argc != 2) { sqlite3_result_error_nomem(context); return; }
    sqlite3_int64 most = sqlite3_value_int64(argv[1]);
    if (gathered->count >= most) {
        sqlite3_result_error(context, zqt_row_ids_too_many, -1);
        return;
    }
    if (gathered->count == gathered->capacity) {
        sqlite3_int64 capacity = gathered->capacity == 0 ? 1024 : gathered->capacity * 2;
        if (capacity > most) capacity = most;
        sqlite3_int64 *grown = sqlite3_realloc64(gathered->ids, (sqlite3_uint64)capacity * sizeof(sqlite3_int64));
        if (grown == NULL) { sqlite3_result_error_nomem(context); return; }
        gathered->ids = grown;
        gathered->capacity = capacity;
    }
    gathered->ids[gathered->count++] = sqlite3_value_int64(argv[0]);
}

static inline void zqt_row_ids_final(sqlite3_context *context) {
    zqt_row_ids_gathered *gathered = sqlite3_aggregate_context(context, 0);
    if (gathered == NULL || gathered->count == 0) {
        if (gathered != NULL) sqlite3_free(gathered->ids);
        sqlite3_result_zeroblob(context, 0);
        return;
    }
    // SQLite frees the blob with sqlite3_free once the caller has read it.
    sqlite3_result_blob64(context, gathered->ids, (sqlite3_uint64)gathered->count * sizeof(sqlite3_int64), sqlite3_free);
    gathered->ids = NULL;
}

/// Makes zqt_row_ids known to a connection.
static inline int zqt_register_row_ids(sqlite3 *db) {
    return sqlite3_create_function_v2(db, "zqt_row_ids", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, NULL,
                                      zqt_row_ids_step, zqt_row_ids_final, NULL);
}
#endif
