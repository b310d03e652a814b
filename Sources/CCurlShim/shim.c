// See include/CCurlShim.h.
#define _GNU_SOURCE  // pthread_setname_np
#include "CCurlShim.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

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
    int (*multi_setopt)(CURLM *, int, ...);
    int (*multi_add_handle)(CURLM *, CURL *);
    int (*multi_remove_handle)(CURLM *, CURL *);
    int (*multi_perform)(CURLM *, int *);
    int (*multi_poll)(CURLM *, void *, unsigned, int, int *);
    int (*multi_wakeup)(CURLM *);
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
        snprintf(load_error, sizeof load_error, "the system's libcurl lacks %s (7.68 or later is needed)", name); \
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
    SYMBOL(multi_setopt, "curl_multi_setopt")
    SYMBOL(multi_add_handle, "curl_multi_add_handle")
    SYMBOL(multi_remove_handle, "curl_multi_remove_handle")
    SYMBOL(multi_perform, "curl_multi_perform")
    SYMBOL(multi_poll, "curl_multi_poll")
    SYMBOL(multi_wakeup, "curl_multi_wakeup")
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
    struct curl_slist *headers;
    unsigned char *body;
    size_t body_count, body_capacity, max_body;
    // The final answer's head, grown as it arrives, up to 64 KB (a head is
    // usually under 1 KB: an inline 64 KB a handle held a sweep's sixteen
    // idle handles a megabyte up).
    unsigned char *head;
    size_t head_count, head_capacity;
    int over_limit;
    // When set, the body goes to it as it arrives instead of into `body`
    // (counted against max_body all the same): an answer read as a stream.
    void (*sink)(void *, const unsigned char *, size_t);
    void *sink_context;
    char error[256];   // CURLOPT_ERRORBUFFER, CURL_ERROR_SIZE
    // While a transfer runs: asked by the driver, told when it ends.
    int (*should_stop)(void *);
    void *stop_context;
    void (*done)(void *, int);
    void *done_context;
    zqt_curl *next;    // in the driver's list of arrived or running transfers
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
    if (!handle->easy) {
        free(handle);
        if (error_size) snprintf(error, error_size, "libcurl could not make a handle");
        return NULL;
    }
    return handle;
}

void zqt_curl_free(zqt_curl *handle) {
    if (!handle) return;
    curl.easy_cleanup(handle->easy);
    if (handle->headers) curl.slist_free_all(handle->headers);
    free(handle->body);
    free(handle->head);
    free(handle);
}

void zqt_curl_reset(zqt_curl *handle) {
    curl.easy_reset(handle->easy);
    if (handle->headers) curl.slist_free_all(handle->headers);
    handle->headers = NULL;
    free(handle->body);
    handle->body = NULL;
    handle->body_count = handle->body_capacity = 0;
    free(handle->head);
    handle->head = NULL;
    handle->head_count = handle->head_capacity = 0;
    handle->over_limit = 0;
    handle->sink = NULL;
    handle->sink_context = NULL;
    handle->error[0] = 0;
}

void zqt_curl_set_sink(zqt_curl *handle, void (*sink)(void *, const unsigned char *, size_t), void *context) {
    handle->sink = sink;
    handle->sink_context = context;
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
    if (handle->sink) {
        // Streamed: no copy kept here (a 16.8 MB A1111 batch, issue 20).
        handle->sink(handle->sink_context, (const unsigned char *)bytes, n);
        handle->body_count += n;
        return n;
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

static const size_t max_head = 64 << 10;

static size_t on_header(char *bytes, size_t size, size_t count, void *context) {
    zqt_curl *handle = context;
    size_t n = size * count;
    // A new status line (after a redirect or 100 Continue): only the final head is kept.
    if (n >= 5 && memcmp(bytes, "HTTP/", 5) == 0) handle->head_count = 0;
    if (n > max_head - handle->head_count) {
        handle->over_limit = 2;
        return 0;
    }
    if (handle->head_count + n > handle->head_capacity) {
        size_t capacity = handle->head_capacity ? handle->head_capacity : 1 << 10;
        while (capacity < handle->head_count + n) capacity *= 2;
        if (capacity > max_head) capacity = max_head;
        unsigned char *grown = realloc(handle->head, capacity);
        if (!grown) { handle->over_limit = 2; return 0; }
        handle->head = grown;
        handle->head_capacity = capacity;
    }
    memcpy(handle->head + handle->head_count, bytes, n);
    handle->head_count += n;
    return n;
}

// MARK: Connections closed to keep the cache within its bound
//
// The transfer thread's connection cache is the whole process's: under a
// burst of transfers to many places (the test suite's servers) it closes
// the connection idle the longest. A second connection to a place is then
// the bound at work, not a failure to reuse; the peers of the connections
// closed that way (or when the idle multi handle is freed) are remembered,
// the last `evicted_kept` of them, for zqt_curl_was_evicted. The socket
// callbacks run on the transfer thread only; the list is read from others.

/// The connections the cache keeps (CURLMOPT_MAXCONNECTS): libcurl's default
/// is four per easy handle added, which a sweep's polls and downloads to two
/// or three hosts plus the screen's own requests outgrow, closing a poll's
/// connection between its queries. 64, as the handle pool kept before.
static const long max_connections = 64;

enum { evicted_kept = 64 };
static struct {
    pthread_mutex_t lock;
    char peers[evicted_kept][64];   // "address port", oldest overwritten first
    int next;
} evicted = { PTHREAD_MUTEX_INITIALIZER, {{0}}, 0 };

static long live_sockets;   // the transfer thread's, opened and not yet closed
static int freeing_multi;   // the idle multi handle is being freed (every close is an eviction)

static void peer_text(int socket, char *text, size_t size) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    char host[INET6_ADDRSTRLEN] = "";
    int port = 0;
    text[0] = 0;
    if (getpeername(socket, (struct sockaddr *)&address, &length) != 0) return;
    if (address.ss_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&address;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
    } else if (address.ss_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&address;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
    } else {
        return;
    }
    snprintf(text, size, "%s %d", host, port);
}

static int on_socket_opened(void *context, int socket, int purpose) {
    (void)context; (void)socket; (void)purpose;
    live_sockets++;
    return 0;  // CURL_SOCKOPT_OK
}

static int on_socket_closing(void *context, int socket) {
    (void)context;
    // libcurl closes the oldest idle connection when the cache holds one more than its bound.
    if (freeing_multi || live_sockets > max_connections) {
        char peer[64];
        peer_text(socket, peer, sizeof peer);
        if (peer[0]) {
            pthread_mutex_lock(&evicted.lock);
            memcpy(evicted.peers[evicted.next], peer, sizeof peer);
            evicted.next = (evicted.next + 1) % evicted_kept;
            pthread_mutex_unlock(&evicted.lock);
        }
    }
    if (live_sockets > 0) live_sockets--;
    return close(socket);
}

int zqt_curl_was_evicted(const char *host, int port) {
    char wanted[64];
    snprintf(wanted, sizeof wanted, "%s %d", host, port);
    int found = 0;
    pthread_mutex_lock(&evicted.lock);
    for (int i = 0; i < evicted_kept && !found; i++) found = strcmp(evicted.peers[i], wanted) == 0;
    pthread_mutex_unlock(&evicted.lock);
    return found;
}

// MARK: The transfer thread (issue 18)
//
// Every transfer runs on one thread of zqt's own, on one multi handle: a
// blocking transfer a thread each (a libdispatch thread a request) gave a
// sweep of sixteen at once sixteen threads, each with glibc's cache of freed
// blocks and its stack, and threads that came and went; one thread holds one
// of each, whatever the number of transfers. The multi handle's connection
// cache is every transfer's: a connection to the service (or an image host)
// is reused by whichever request goes there next. The thread blocks on a
// condition variable while there is nothing to do (no timer, no wake-up:
// zqt idle costs no CPU), and after `idle_seconds` of that frees the multi
// handle, its connections and caches with it, until the next request.

static struct {
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    CURLM *multi;        // NULL until a transfer needs it, and after a long idle time
    zqt_curl *pending;   // handed over, not yet added to the multi handle
    int started;         // the thread exists
} driver = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0 };

/// How long the thread keeps idle connections when no transfer runs: a
/// task's polls (at most about 12 s apart, TaskPoller) keep theirs.
static const int idle_seconds = 20;

static void finish(zqt_curl *handle, int result) {
    void (*done)(void *, int) = handle->done;
    void *context = handle->done_context;
    handle->done = NULL;
    handle->next = NULL;
    done(context, result);   // the handle is the caller's again from here
}

static void *drive(void *unused) {
    (void)unused;
    pthread_setname_np(pthread_self(), "zqt-transfers");
    zqt_curl *running = NULL;
    for (;;) {
        pthread_mutex_lock(&driver.lock);
        if (!running && !driver.pending) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += idle_seconds;
            while (!driver.pending) {
                if (driver.multi) {
                    if (pthread_cond_timedwait(&driver.arrived, &driver.lock, &until) == ETIMEDOUT && !driver.pending) {
                        // Idle: the connections and caches go (wakeups are made under the lock, so none is lost).
                        freeing_multi = 1;
                        curl.multi_cleanup(driver.multi);
                        freeing_multi = 0;
                        driver.multi = NULL;
                    }
                } else {
                    pthread_cond_wait(&driver.arrived, &driver.lock);
                }
            }
        }
        zqt_curl *arrived = driver.pending;
        driver.pending = NULL;
        if (arrived && !driver.multi) {
            driver.multi = curl.multi_init();
            if (driver.multi) curl.multi_setopt(driver.multi, 6 /* CURLMOPT_MAXCONNECTS */, max_connections);
        }
        CURLM *multi = driver.multi;
        pthread_mutex_unlock(&driver.lock);

        while (arrived) {
            zqt_curl *handle = arrived;
            arrived = handle->next;
            if (!multi || curl.multi_add_handle(multi, handle->easy) != 0) {
                finish(handle, 2);  // CURLE_FAILED_INIT
                continue;
            }
            handle->next = running;
            running = handle;
        }
        // Stopped from outside (cancelled, the process leaving): ended now.
        for (zqt_curl **link = &running; *link;) {
            zqt_curl *handle = *link;
            if (handle->should_stop && handle->should_stop(handle->stop_context)) {
                *link = handle->next;
                curl.multi_remove_handle(multi, handle->easy);
                finish(handle, ZQT_CURL_STOPPED);
            } else {
                link = &handle->next;
            }
        }
        if (!running) continue;
        int still = 0;
        int failed = curl.multi_perform(multi, &still) != 0;
        int left = 0;
        CURLMsg *message;
        while ((message = curl.multi_info_read(multi, &left))) {
            if (message->msg != 1) continue;  // CURLMSG_DONE
            for (zqt_curl **link = &running; *link; link = &(*link)->next) {
                zqt_curl *handle = *link;
                if (handle->easy != message->easy_handle) continue;
                int result = message->data.result;
                *link = handle->next;
                curl.multi_remove_handle(multi, handle->easy);
                finish(handle, result);
                break;
            }
        }
        // At most a tenth of a second, so should_stop is asked ten times a second; a new transfer wakes it sooner.
        if (!failed && running) failed = curl.multi_poll(multi, NULL, 0, 100, NULL) != 0;
        if (failed) {
            // The multi handle itself failed (out of memory): every transfer on it ends.
            while (running) {
                zqt_curl *handle = running;
                running = handle->next;
                curl.multi_remove_handle(multi, handle->easy);
                finish(handle, 2);
            }
        }
    }
    return NULL;
}

int zqt_curl_start(zqt_curl *handle, size_t max_body, int (*should_stop)(void *), void *stop_context,
                   void (*done)(void *, int), void *done_context) {
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
    curl.easy_setopt(easy, 20148 /* CURLOPT_SOCKOPTFUNCTION */, on_socket_opened);
    curl.easy_setopt(easy, 20208 /* CURLOPT_CLOSESOCKETFUNCTION */, on_socket_closing);
    if (handle->headers) curl.easy_setopt(easy, 10023 /* CURLOPT_HTTPHEADER */, handle->headers);
    handle->should_stop = should_stop;
    handle->stop_context = stop_context;
    handle->done = done;
    handle->done_context = done_context;

    pthread_mutex_lock(&driver.lock);
    if (!driver.started) {
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_t thread;
        driver.started = pthread_create(&thread, &attributes, drive, NULL) == 0;
        pthread_attr_destroy(&attributes);
        if (!driver.started) {
            pthread_mutex_unlock(&driver.lock);
            return 2;  // CURLE_FAILED_INIT: nothing will call done
        }
    }
    handle->next = driver.pending;
    driver.pending = handle;
    pthread_cond_signal(&driver.arrived);
    if (driver.multi) curl.multi_wakeup(driver.multi);  // if it is waiting on the network
    pthread_mutex_unlock(&driver.lock);
    return 0;
}

void zqt_curl_wake(void) {
    pthread_mutex_lock(&driver.lock);
    if (driver.multi) curl.multi_wakeup(driver.multi);
    pthread_mutex_unlock(&driver.lock);
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
