// libcurl-memory LIBRARY URL [CA_FILE|-] [HANDLES]: what a libcurl costs a
// process in resident memory, opened as zqt opens it (dlopen, then
// curl_global_init), then HANDLES easy handles each making two GETs to URL
// (an https URL makes each handle set up TLS), the CA taken from CA_FILE or,
// with "-", from the hashed folder /etc/ssl/certs only (issue 18).
// Build: cc -O1 -o /tmp/libcurl-memory scripts/tools/libcurl-memory.c -ldl
// Per-library figures: run with SMAPS=1 and read /tmp/libcurl-memory.smaps.
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long resident_kib(void) {
    FILE *file = fopen("/proc/self/status", "r");
    char line[256];
    long value = 0;
    while (file && fgets(line, sizeof line, file)) if (!strncmp(line, "VmRSS:", 6)) value = atol(line + 6);
    if (file) fclose(file);
    return value;
}

static size_t discard(char *bytes, size_t size, size_t count, void *context) { return size * count; }

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s LIBRARY URL [CA_FILE|-] [HANDLES]\n", argv[0]); return 2; }
    long start = resident_kib();
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    long opened = resident_kib();
    int (*global_init)(long) = dlsym(library, "curl_global_init");
    void *(*easy_init)(void) = dlsym(library, "curl_easy_init");
    int (*setopt)(void *, int, ...) = dlsym(library, "curl_easy_setopt");
    int (*perform)(void *) = dlsym(library, "curl_easy_perform");
    global_init(3);
    long initialised = resident_kib();
    int handles = argc > 4 ? atoi(argv[4]) : 1, failed = 0;
    for (int i = 0; i < handles; i++) {
        void *easy = easy_init();
        setopt(easy, 10002 /* URL */, argv[2]);
        setopt(easy, 20011 /* WRITEFUNCTION */, discard);
        if (argc > 3 && strcmp(argv[3], "-") != 0) setopt(easy, 10065 /* CAINFO */, argv[3]);
        if (argc > 3 && strcmp(argv[3], "-") == 0) {
            setopt(easy, 10065 /* CAINFO */, (char *)NULL);
            setopt(easy, 10097 /* CAPATH */, "/etc/ssl/certs");
        }
        failed |= perform(easy) | perform(easy);
    }
    long used = resident_kib();
    printf("%s: dlopen +%ld KiB, curl_global_init +%ld KiB, %d handle(s) x 2 requests +%ld KiB%s; %ld KiB over a %ld KiB process\n",
           argv[1], opened - start, initialised - opened, handles, used - initialised, failed ? " (a request failed)" : "",
           used - start, start);
    if (getenv("SMAPS")) {
        char command[128];
        snprintf(command, sizeof command, "cat /proc/%d/smaps > /tmp/libcurl-memory.smaps", (int)getpid());
        if (system(command) != 0) return 1;
    }
    return failed ? 1 : 0;
}
