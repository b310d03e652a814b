// The parts of ncursesw that Swift cannot import by itself.
//
// pkg-config's -D_XOPEN_SOURCE=600 is dropped by SwiftPM, so the wide-character
// API is switched on here, before curses.h is read. Swift 6 strict concurrency
// rejects mutable C globals (stdscr, LINES, COLS, acs_map) and function-like
// macros (COLOR_PAIR, KEY_F) do not import: each gets a static inline wrapper.
#ifndef ZQT_CNCURSES_SHIM_H
#define ZQT_CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// wcwidth is declared by wchar.h only under _XOPEN_SOURCE, which SwiftPM drops.
extern int wcwidth(wchar_t c);
static inline int zqt_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

// Whether ncurses can drive the terminal named by $TERM: 1 when its terminfo
// entry has cursor addressing (cup), 0 when it has none (dumb), -1 when the
// name is not known (no entry), -2 when no terminfo database is found.
extern int setupterm(const char *term, int filedes, int *errret);
static inline int zqt_terminal_can_address_cursor(void) {
    int err = 0;
    if (setupterm(NULL, 1, &err) != OK) return err == 0 ? -1 : -2;
    char *cup = tigetstr("cup");
    return (cup == NULL || cup == (char *)-1) ? 0 : 1;
}

static inline WINDOW *zqt_stdscr(void) { return stdscr; }
static inline int zqt_lines(void) { return LINES; }
static inline int zqt_cols(void) { return COLS; }
static inline int zqt_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int zqt_key_f(int n) { return KEY_F(n); }

static inline attr_t zqt_a_normal(void) { return A_NORMAL; }
static inline attr_t zqt_a_bold(void) { return A_BOLD; }
static inline attr_t zqt_a_dim(void) { return A_DIM; }
static inline attr_t zqt_a_reverse(void) { return A_REVERSE; }
static inline attr_t zqt_a_underline(void) { return A_UNDERLINE; }
static inline attr_t zqt_a_standout(void) { return A_STANDOUT; }

static inline chtype zqt_acs_hline(void) { return ACS_HLINE; }
static inline chtype zqt_acs_vline(void) { return ACS_VLINE; }
static inline chtype zqt_acs_ulcorner(void) { return ACS_ULCORNER; }
static inline chtype zqt_acs_urcorner(void) { return ACS_URCORNER; }
static inline chtype zqt_acs_llcorner(void) { return ACS_LLCORNER; }
static inline chtype zqt_acs_lrcorner(void) { return ACS_LRCORNER; }
static inline chtype zqt_acs_ltee(void) { return ACS_LTEE; }
static inline chtype zqt_acs_rtee(void) { return ACS_RTEE; }
static inline chtype zqt_acs_ckboard(void) { return ACS_CKBOARD; }
static inline chtype zqt_acs_block(void) { return ACS_BLOCK; }

static inline int zqt_key_resize(void) { return KEY_RESIZE; }
static inline int zqt_key_btab(void) { return KEY_BTAB; }
static inline int zqt_key_mouse(void) { return KEY_MOUSE; }

// Draw one character cell (with its attributes and colour pair) at y, x: a
// whole grapheme cluster, its spacing character and the combining ones after
// it (null-terminated, fewer than CCHARW_MAX). When ncurses refuses the
// cluster, its first character alone.
static inline int zqt_put_cluster(WINDOW *win, int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) == ERR) {
        wchar_t first[2] = { text[0], 0 };
        setcchar(&cell, first, attrs, pair, NULL);
    }
    return mvwadd_wch(win, y, x, &cell);
}

static inline int zqt_ccharw_max(void) { return CCHARW_MAX; }

// How many colours the terminal has (COLORS, after start_color).
static inline int zqt_colors(void) { return COLORS; }
static inline int zqt_color_pairs(void) { return COLOR_PAIRS; }

// One cell of a picture drawn in block symbols: its character on its own
// foreground and background (palette indexes, -1 the terminal's default).
// The colour pair comes from ncurses' pair cache (alloc_pair, ncurses 6.1),
// which reuses the least recently used pair once all are taken; its number
// goes in setcchar's extension argument, as it may not fit a short.
static inline int zqt_put_picture_cell(WINDOW *win, int y, int x, const wchar_t *text, int fg, int bg) {
    int pair = alloc_pair(fg, bg);
    if (pair < 0) pair = 0;
    cchar_t cell;
    if (setcchar(&cell, text, A_NORMAL, 0, &pair) == ERR) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}

// Tells ncurses that rows of the screen no longer show what it drew there
// (a picture sent through a pixel protocol covered them): the next refresh
// sends those rows whole.
static inline int zqt_forget_rows(WINDOW *win, int y, int count) { return wredrawln(win, y, count); }
#endif
