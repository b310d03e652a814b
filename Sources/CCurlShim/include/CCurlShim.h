// A typed door to the system's libcurl (libcurl.so.4), opened with dlopen on
// the first request so zqt's start-up neither maps nor initialises it.
// curl_easy_setopt is variadic, which Swift cannot call: these functions take
// one type each. No curl header is needed to build: the few option and info
// numbers zqt uses are declared in Swift (HTTP/Curl.swift), from curl.h.
#ifndef ZQT_CURL_SHIM_H
#define ZQT_CURL_SHIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct zqt_curl zqt_curl;

/// Loads libcurl once (thread-safe) and makes a handle (an easy handle and
/// the buffers its answer goes to). NULL with a reason in `error` on failure.
zqt_curl *zqt_curl_new(char *error, size_t error_size);
void zqt_curl_free(zqt_curl *handle);

/// Forgets every option, header and the last answer.
void zqt_curl_reset(zqt_curl *handle);

int zqt_curl_set_long(zqt_curl *handle, int option, long value);
int zqt_curl_set_string(zqt_curl *handle, int option, const char *value);
int zqt_curl_set_offset(zqt_curl *handle, int option, int64_t value);
/// Body bytes, copied (CURLOPT_POSTFIELDSIZE_LARGE then CURLOPT_COPYPOSTFIELDS).
int zqt_curl_set_body(zqt_curl *handle, const void *bytes, int64_t count);
/// The answer's body handed to `sink` as it arrives, on the transfer thread,
/// and not kept (zqt_curl_body is then empty); still bounded by `max_body`.
/// Cleared by zqt_curl_reset.
void zqt_curl_set_sink(zqt_curl *handle, void (*sink)(void *, const unsigned char *, size_t), void *context);
/// Adds "Name: value" to the request's headers.
int zqt_curl_add_header(zqt_curl *handle, const char *line);

/// Hands the transfer to zqt's one transfer thread, which runs every
/// transfer on one multi handle (its connections kept alive for the next
/// request to the same place) and returns at once. The body is kept up to
/// `max_body` bytes, the final answer's head up to 64 KB; beyond either the
/// transfer stops. `should_stop(stop_context)` is asked on that thread
/// about ten times a second; nonzero aborts (result ZQT_CURL_STOPPED).
/// `done(done_context, CURLcode)` is called on that thread when the
/// transfer has ended, once; the handle is the caller's again from then,
/// and must not be touched before. Returns nonzero (and never calls `done`)
/// when the thread could not be started.
enum { ZQT_CURL_STOPPED = -1 };
int zqt_curl_start(zqt_curl *handle, size_t max_body, int (*should_stop)(void *), void *stop_context,
                   void (*done)(void *, int), void *done_context);
/// Makes the transfer thread look at its transfers now (one was cancelled).
void zqt_curl_wake(void);
/// Nonzero when a connection to `host` (a numeric address) and `port` was
/// closed lately to keep the transfer thread's connection cache within its
/// bound, or when its idle connections were freed.
int zqt_curl_was_evicted(const char *host, int port);

const unsigned char *zqt_curl_body(const zqt_curl *handle, size_t *count);
const unsigned char *zqt_curl_head(const zqt_curl *handle, size_t *count);
/// 1 when the body, 2 when the head went over its limit.
int zqt_curl_over_limit(const zqt_curl *handle);
/// libcurl's own words about the last failure (CURLOPT_ERRORBUFFER), maybe empty.
const char *zqt_curl_error_text(const zqt_curl *handle);
const char *zqt_curl_strerror(int code);

int zqt_curl_info_long(zqt_curl *handle, int info, long *value);
/// A string the handle owns, or NULL.
const char *zqt_curl_info_string(zqt_curl *handle, int info);

/// SHA-256 and HMAC-SHA256 from the libcrypto that libcurl already loads
/// (libcrypto.so.3, opened with dlopen on first use): zqt signs presigned
/// S3 URLs (SigV4 query signing) with them. `out` takes 32 bytes. 0 on
/// success; nonzero with a reason from zqt_crypto_error otherwise.
int zqt_sha256(const void *bytes, size_t count, unsigned char *out);
int zqt_hmac_sha256(const void *key, size_t key_count, const void *bytes, size_t count, unsigned char *out);
const char *zqt_crypto_error(void);

#endif
