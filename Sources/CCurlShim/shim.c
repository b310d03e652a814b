// See include/CCurlShim.h.
#include "CCurlShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void CURL;
typedef void CURLM;
struct curl_slist;
typedef struct {
    int msg;            // CURLMSG, 1 = CURLMSG_DONE
    CURL *easy_handle;
    union { void *whatever; int result; } data;
} CURLMsg;

static struct {
    int (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    int (*easy_setopt)(CURL *, int, ...);
    int (*easy_getinfo)(CURL *, int, ...);
    const char *(*easy_strerror)(int);
    CURLM *(*multi_init)(void);
    int (*multi_cleanup)(CURLM *);
    int (*multi_add_handle)(CURLM *, CURL *);
    int (*multi_remove_handle)(CURLM *, CURL *);
    int (*multi_perform)(CURLM *, int *);
    int (*multi_poll)(CURLM *, void *, unsigned, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256] = "libcurl did not load";

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error,
                 "HTTP needs libcurl (libcurl.so.4): install the libcurl4 package (%s)", dlerror());
        return;
    }
#define SYMBOL(field, name) \
    if (!(*(void **)&curl.field = dlsym(library, name))) { \
        snprintf(load_error, sizeof load_error, "the system's libcurl lacks %s (7.66 or later is needed)", name); \
        return; \
    }
    SYMBOL(global_init, "curl_global_init")
    SYMBOL(easy_init, "curl_easy_init")
    SYMBOL(easy_cleanup, "curl_easy_cleanup")
    SYMBOL(easy_reset, "curl_easy_reset")
    SYMBOL(easy_setopt, "curl_easy_setopt")
    SYMBOL(easy_getinfo, "curl_easy_getinfo")
    SYMBOL(easy_strerror, "curl_easy_strerror")
    SYMBOL(multi_init, "curl_multi_init")
    SYMBOL(multi_cleanup, "curl_multi_cleanup")
    SYMBOL(multi_add_handle, "curl_multi_add_handle")
    SYMBOL(multi_remove_handle, "curl_multi_remove_handle")
    SYMBOL(multi_perform, "curl_multi_perform")
    SYMBOL(multi_poll, "curl_multi_poll")
    SYMBOL(multi_info_read, "curl_multi_info_read")
    SYMBOL(slist_append, "curl_slist_append")
    SYMBOL(slist_free_all, "curl_slist_free_all")
#undef SYMBOL
    // A peer that resets a TLS connection makes OpenSSL's write() raise
    // SIGPIPE, which would end zqt without a word: ignored process-wide
    // (libcurl's CURLOPT_NOSIGNAL covers only its own signals).
    signal(SIGPIPE, SIG_IGN);
    if (curl.global_init(3 /* CURL_GLOBAL_DEFAULT */) != 0) {
        snprintf(load_error, sizeof load_error, "libcurl failed to initialise");
        return;
    }
    load_error[0] = 0;
}

struct zqt_curl {
    CURL *easy;
    CURLM *multi;
    struct curl_slist *headers;
    unsigned char *body;
    size_t body_count, body_capacity, max_body;
    unsigned char head[64 << 10];
    size_t head_count;
    int over_limit;
    char error[256];   // CURLOPT_ERRORBUFFER, CURL_ERROR_SIZE
};

zqt_curl *zqt_curl_new(char *error, size_t error_size) {
    pthread_once(&load_once, load);
    if (load_error[0]) {
        if (error_size) snprintf(error, error_size, "%s", load_error);
        return NULL;
    }
    zqt_curl *handle = calloc(1, sizeof *handle);
    if (!handle) return NULL;
    handle->easy = curl.easy_init();
    handle->multi = curl.multi_init();
    if (!handle->easy || !handle->multi) {
        if (handle->easy) curl.easy_cleanup(handle->easy);
        if (handle->multi) curl.multi_cleanup(handle->multi);
        free(handle);
        if (error_size) snprintf(error, error_size, "libcurl could not make a handle");
        return NULL;
    }
    return handle;
}

void zqt_curl_free(zqt_curl *handle) {
    if (!handle) return;
    curl.easy_cleanup(handle->easy);
    curl.multi_cleanup(handle->multi);
    if (handle->headers) curl.slist_free_all(handle->headers);
    free(handle->body);
    free(handle);
}

void zqt_curl_reset(zqt_curl *handle) {
    curl.easy_reset(handle->easy);
    if (handle->headers) curl.slist_free_all(handle->headers);
    handle->headers = NULL;
    free(handle->body);
    handle->body = NULL;
    handle->body_count = handle->body_capacity = 0;
    handle->head_count = 0;
    handle->over_limit = 0;
    handle->error[0] = 0;
}

int zqt_curl_set_long(zqt_curl *handle, int option, long value) { return curl.easy_setopt(handle->easy, option, value); }
int zqt_curl_set_string(zqt_curl *handle, int option, const char *value) { return curl.easy_setopt(handle->easy, option, value); }
int zqt_curl_set_offset(zqt_curl *handle, int option, int64_t value) { return curl.easy_setopt(handle->easy, option, (long long)value); }

int zqt_curl_set_body(zqt_curl *handle, const void *bytes, int64_t count) {
    int result = curl.easy_setopt(handle->easy, 30120 /* CURLOPT_POSTFIELDSIZE_LARGE */, (long long)count);
    if (result) return result;
    return curl.easy_setopt(handle->easy, 10165 /* CURLOPT_COPYPOSTFIELDS */, count ? bytes : "");
}

int zqt_curl_add_header(zqt_curl *handle, const char *line) {
    struct curl_slist *list = curl.slist_append(handle->headers, line);
    if (!list) return 27; // CURLE_OUT_OF_MEMORY
    handle->headers = list;
    return 0;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *context) {
    zqt_curl *handle = context;
    size_t n = size * count;
    if (n > handle->max_body - handle->body_count) {
        handle->over_limit = 1;
        return 0;  // CURLE_WRITE_ERROR: nothing more is read
    }
    if (handle->body_count + n > handle->body_capacity) {
        size_t capacity = handle->body_capacity ? handle->body_capacity : 16 << 10;
        while (capacity < handle->body_count + n) capacity *= 2;
        if (capacity > handle->max_body) capacity = handle->max_body;
        unsigned char *grown = realloc(handle->body, capacity);
        if (!grown) { handle->over_limit = 1; return 0; }
        handle->body = grown;
        handle->body_capacity = capacity;
    }
    memcpy(handle->body + handle->body_count, bytes, n);
    handle->body_count += n;
    return n;
}

static size_t on_header(char *bytes, size_t size, size_t count, void *context) {
    zqt_curl *handle = context;
    size_t n = size * count;
    // A new status line (after a redirect or 100 Continue): only the final head is kept.
    if (n >= 5 && memcmp(bytes, "HTTP/", 5) == 0) handle->head_count = 0;
    if (n > sizeof handle->head - handle->head_count) {
        handle->over_limit = 2;
        return 0;
    }
    memcpy(handle->head + handle->head_count, bytes, n);
    handle->head_count += n;
    return n;
}

int zqt_curl_perform(zqt_curl *handle, size_t max_body, int (*should_stop)(void *), void *context) {
    handle->max_body = max_body;
    handle->body_count = handle->head_count = 0;
    handle->over_limit = 0;
    handle->error[0] = 0;
    CURL *easy = handle->easy;
    curl.easy_setopt(easy, 10010 /* CURLOPT_ERRORBUFFER */, handle->error);
    curl.easy_setopt(easy, 20011 /* CURLOPT_WRITEFUNCTION */, on_body);
    curl.easy_setopt(easy, 10001 /* CURLOPT_WRITEDATA */, handle);
    curl.easy_setopt(easy, 20079 /* CURLOPT_HEADERFUNCTION */, on_header);
    curl.easy_setopt(easy, 10029 /* CURLOPT_HEADERDATA */, handle);
    curl.easy_setopt(easy, 99 /* CURLOPT_NOSIGNAL */, 1L);
    if (handle->headers) curl.easy_setopt(easy, 10023 /* CURLOPT_HTTPHEADER */, handle->headers);

    int result = curl.multi_add_handle(handle->multi, easy);
    if (result) return 2; // CURLE_FAILED_INIT
    int running = 1;
    result = -2;
    // Bounded by libcurl's own deadline (CURLOPT_TIMEOUT_MS) and by should_stop.
    while (result == -2) {
        if (should_stop && should_stop(context)) { result = ZQT_CURL_STOPPED; break; }
        if (curl.multi_perform(handle->multi, &running) != 0) { result = 2; break; }
        int left = 0;
        CURLMsg *message;
        while ((message = curl.multi_info_read(handle->multi, &left))) {
            if (message->msg == 1 && message->easy_handle == easy) result = message->data.result;
        }
        if (result != -2) break;
        if (!running) { result = 0; break; }
        if (curl.multi_poll(handle->multi, NULL, 0, 100, NULL) != 0) { result = 2; break; }
    }
    curl.multi_remove_handle(handle->multi, easy);
    return result;
}

const unsigned char *zqt_curl_body(const zqt_curl *handle, size_t *count) { *count = handle->body_count; return handle->body; }
const unsigned char *zqt_curl_head(const zqt_curl *handle, size_t *count) { *count = handle->head_count; return handle->head; }
int zqt_curl_over_limit(const zqt_curl *handle) { return handle->over_limit; }
const char *zqt_curl_error_text(const zqt_curl *handle) { return handle->error; }
const char *zqt_curl_strerror(int code) { return curl.easy_strerror ? curl.easy_strerror(code) : "libcurl not loaded"; }

int zqt_curl_info_long(zqt_curl *handle, int info, long *value) { return curl.easy_getinfo(handle->easy, info, value); }
const char *zqt_curl_info_string(zqt_curl *handle, int info) {
    char *value = NULL;
    if (curl.easy_getinfo(handle->easy, info, &value) != 0) return NULL;
    return value;
}

// MARK: libcrypto (see the header)

static struct {
    unsigned char *(*sha256)(const unsigned char *, size_t, unsigned char *);
    const void *(*evp_sha256)(void);
    unsigned char *(*hmac)(const void *, const void *, int, const unsigned char *, size_t, unsigned char *, unsigned int *);
} crypto;

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static char crypto_error[256] = "libcrypto did not load";

static void load_crypto(void) {
    void *library = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(crypto_error, sizeof crypto_error,
                 "signing S3 URLs needs libcrypto (libcrypto.so.3): install the libssl3 package (%s)", dlerror());
        return;
    }
#define SYMBOL(field, name) \
    if (!(*(void **)&crypto.field = dlsym(library, name))) { \
        snprintf(crypto_error, sizeof crypto_error, "the system's libcrypto lacks %s", name); \
        return; \
    }
    SYMBOL(sha256, "SHA256")
    SYMBOL(evp_sha256, "EVP_sha256")
    SYMBOL(hmac, "HMAC")
#undef SYMBOL
    crypto_error[0] = 0;
}

int zqt_sha256(const void *bytes, size_t count, unsigned char *out) {
    pthread_once(&crypto_once, load_crypto);
    if (crypto_error[0]) return 1;
    return crypto.sha256(count ? bytes : (const unsigned char *)"", count, out) ? 0 : 1;
}

int zqt_hmac_sha256(const void *key, size_t key_count, const void *bytes, size_t count, unsigned char *out) {
    pthread_once(&crypto_once, load_crypto);
    if (crypto_error[0]) return 1;
    if (key_count > 0x7fffffff) return 1;
    unsigned int length = 0;
    return crypto.hmac(crypto.evp_sha256(), key_count ? key : "", (int)key_count,
                       count ? bytes : (const unsigned char *)"", count, out, &length) && length == 32 ? 0 : 1;
}

const char *zqt_crypto_error(void) {
    pthread_once(&crypto_once, load_crypto);
    return crypto_error[0] ? crypto_error : "libcrypto failed";
}
