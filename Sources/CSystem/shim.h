// glibc calls that Swift's Glibc module leaves out because they sit behind
// _GNU_SOURCE. The declarations are glibc's own (spawn.h, unistd.h, malloc.h).
#ifndef ZQT_CSYSTEM_SHIM_H
#define ZQT_CSYSTEM_SHIM_H

#include <spawn.h>
#include <stddef.h>

/// Closes every descriptor from `from` up in the child (glibc 2.34+).
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
/// pipe() with flags, so O_CLOEXEC is set before another thread can spawn.
extern int pipe2(int fds[2], int flags);
/// Returns freed heap memory of every malloc arena to the system (malloc.h).
extern int malloc_trim(size_t pad);
/// malloc's tuning (malloc.h); M_MMAP_THRESHOLD is -3 there.
extern int mallopt(int param, int value);
static inline int zqt_fix_mmap_threshold(int bytes) { return mallopt(-3, bytes); }
/// Free memory at the top of a heap kept, not given back, until it is more
/// than `bytes` (M_TRIM_THRESHOLD is -1 in malloc.h).
static inline int zqt_set_trim_threshold(int bytes) { return mallopt(-1, bytes); }
/// At most `count` malloc arenas (M_ARENA_MAX is -8 in malloc.h).
static inline int zqt_limit_malloc_arenas(int count) { return mallopt(-8, count); }

#endif
