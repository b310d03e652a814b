// The system's SQLite (libsqlite3-dev), for zqt's history.
#ifndef ZQT_CSQLITE_SHIM_H
#define ZQT_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift
// cannot import: bound text is copied by SQLite with it.
static inline sqlite3_destructor_type zqt_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
