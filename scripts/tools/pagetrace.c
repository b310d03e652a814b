// pagetrace.so: which 4 KB pages of a program's own code a run executes, in
// the order it first reaches them (issue 18, scripts/gen-order-file.py).
// Loaded with LD_PRELOAD and PAGETRACE_OUT=FILE: at start it removes every
// access to the executable's code segment; each first touch of a page faults,
// the handler notes the page's offset from the executable's load address
// (one hexadecimal number a line) and gives the page back. The program runs
// on unchanged otherwise (its own SIGSEGV handlers are kept out of the way).
// Build: cc -O2 -shared -fPIC -o pagetrace.so pagetrace.c -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static uintptr_t code_start, code_end, load_address;
static int out = -1;

static void on_fault(int signal, siginfo_t *info, void *context) {
    (void)signal; (void)context;
    uintptr_t address = (uintptr_t)info->si_addr;
    if (address >= code_start && address < code_end) {
        uintptr_t page = address & ~(uintptr_t)4095;
        mprotect((void *)page, 4096, PROT_READ | PROT_EXEC);
        // No stdio in a signal handler: the offset written by hand.
        char line[24], digits[20];
        int length = 0, count = 0;
        uintptr_t value = page - load_address;
        do { digits[count++] = "0123456789abcdef"[value & 15]; value >>= 4; } while (value);
        while (count) line[length++] = digits[--count];
        line[length++] = '\n';
        (void)!write(out, line, length);
        return;
    }
    // A real fault: the default action, so the program dies as it would have.
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    syscall(SYS_rt_sigaction, SIGSEGV, &fallback, NULL, 8);
}

// The program's own SIGSEGV/SIGBUS handlers would take the trace's faults: ignored.
int sigaction(int number, const struct sigaction *action, struct sigaction *old) {
    static int (*real)(int, const struct sigaction *, struct sigaction *);
    if (!real) real = dlsym(RTLD_NEXT, "sigaction");
    if ((number == SIGSEGV || number == SIGBUS) && action && action->sa_sigaction != on_fault) {
        if (old) memset(old, 0, sizeof *old);
        return 0;
    }
    if (action) {
        struct sigaction copy = *action;
        sigdelset(&copy.sa_mask, SIGSEGV);
        return real(number, &copy, old);
    }
    return real(number, action, old);
}

sighandler_t signal(int number, sighandler_t handler) {
    static sighandler_t (*real)(int, sighandler_t);
    if (!real) real = dlsym(RTLD_NEXT, "signal");
    if (number == SIGSEGV || number == SIGBUS) return SIG_DFL;
    return real(number, handler);
}

// A thread that blocks SIGSEGV would die on its first new page: never blocked.
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old) {
    static int (*real)(int, const sigset_t *, sigset_t *);
    if (!real) real = dlsym(RTLD_NEXT, "pthread_sigmask");
    if (set && how != SIG_UNBLOCK) {
        sigset_t copy = *set;
        sigdelset(&copy, SIGSEGV);
        return real(how, &copy, old);
    }
    return real(how, set, old);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) { return pthread_sigmask(how, set, old); }

__attribute__((constructor)) static void start(void) {
    const char *path = getenv("PAGETRACE_OUT");
    if (!path) return;
    char executable[4096];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length <= 0) return;
    executable[length] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return;
    char line[8192];
    while (fgets(line, sizeof line, maps)) {
        unsigned long start_address, end_address, offset;
        char permissions[8], name[4096] = "";
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &start_address, &end_address, permissions, &offset, name) < 4) continue;
        if (strcmp(name, executable) != 0) continue;
        if (!load_address) load_address = start_address;
        if (permissions[2] == 'x') { code_start = start_address; code_end = end_address; }
    }
    fclose(maps);
    if (!code_start) return;
    out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    // The programs zqt starts (a key command, an editor) are not traced.
    unsetenv("LD_PRELOAD");
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;
    sigaction(SIGSEGV, &action, NULL);
    mprotect((void *)code_start, code_end - code_start, PROT_NONE);
}
