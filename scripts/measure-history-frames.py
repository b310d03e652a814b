#!/usr/bin/env python3
"""The history screen's answers timed as a user sees them (issue 18,
filterframe18): each ZQT binary runs in a 120x40 tmux pane on a socket of its
own, on the history folder --home (fill one with `zqt bench history --rows N
--home DIR`; HOME and the config folder are throwaway ones). Per run and
binary: a fresh zqt, F2, then each filter typed but its last character (its
answer waited for), and the last character timed. A stage ends when the
screen shows it: the pane is read with `tmux capture-pane` in a loop (a read
costs 2-5 ms, which the figures include). Printed, milliseconds from the key:
- F2 rows: the newest rows drawn; F2 count: the count drawn with them;
- FILTER answer: the first frame answering the last key: its rows with a
  count, or that nothing matches (the whole history's "Nothing matches", or
  none among the newest rows while the older are searched);
- FILTER final: the count or "no match" drawn, nothing left "searching…" or
  "counting…"; with --trace, each distinct filter line and first list line.
Run under `chrt -f 50` for figures a loaded machine does not slow: the tmux
server (started by this script on its own socket) and zqt inherit it.
Usage: [chrt -f 50] scripts/measure-history-frames.py ZQT... --home DIR
       [--runs N] [--filters 'a|b c|d'] [--trace]"""
import argparse, os, shutil, subprocess, tempfile, time

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("zqt", nargs="+")
parser.add_argument("--home", required=True)
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--trace", action="store_true")
parser.add_argument("--filters", default="lighthouse 灯塔|zzqqxx|灯塔 x")
parser.add_argument("--timeout", type=float, default=60)
options = parser.parse_args()
socket_name = f"zqt-history-frames-{os.getpid()}"


def tmux(*args):
    return subprocess.run(["tmux", "-L", socket_name, *args], capture_output=True, text=True).stdout


def now():
    return time.monotonic()


def filter_line(screen):
    return next((line for line in screen.split("\n") if " / " in line), "")


def list_line(screen):
    lines = screen.split("\n")
    return next((line.strip() for line in lines[3:8] if line.strip()), "")


def wait(condition, what, start, first=lambda screen: False):
    """Reads the pane until `condition`: ms from `start`, the screen, the
    distinct states seen, and ms until `first` first held (None: never)."""
    seen, first_ms = [], None
    while True:
        screen = tmux("capture-pane", "-p", "-t", "m")
        ms = (now() - start) * 1000
        state = (" ".join(filter_line(screen).split()), list_line(screen)[:70])
        if not seen or seen[-1][1] != state:
            seen.append((ms, state))
        if first_ms is None and first(screen):
            first_ms = ms
        if condition(screen):
            return ms, screen, seen, first_ms
        if now() - start > options.timeout:
            raise SystemExit(f"timed out waiting for {what}:\n{screen}")


def settled(screen, typed):
    line = filter_line(screen)
    return f"/ {typed}" in line and "searching" not in line and "counting" not in line


def answered(screen, typed):
    line = filter_line(screen)
    if f"/ {typed}" not in line:
        return False
    if "Nothing matches" in screen or "None of the newest" in screen:
        return True
    return "searching" not in line and "match" in line and "▸" in screen


results = {}
try:
    for run in range(options.runs):
        for zqt in options.zqt:
            scratch = tempfile.mkdtemp(prefix="zqt-history-frames-")
            command = (f"env ZQT_HOME={options.home} HOME={scratch} XDG_CONFIG_HOME={scratch}/config "
                       + f"{os.path.abspath(zqt)} --base-url http://127.0.0.1:9")
            tmux("new-session", "-d", "-s", "m", "-x", "120", "-y", "40", command)
            wait(lambda s: "exactly what is sent" in s, "the form", now())
            time.sleep(1.0)  # the start's own reads (model lists, drafts) end first
            figures = results.setdefault(zqt, {})
            start = now()
            tmux("send-keys", "-t", "m", "F2")
            rows, _, _, _ = wait(lambda s: "newest first" in s and "▸" in s, "F2's rows", start)
            count, _, _, _ = wait(lambda s: "submissions · newest first" in s, "F2's count", start)
            figures.setdefault("F2 rows", []).append(rows)
            figures.setdefault("F2 count", []).append(count)
            for typed in options.filters.split("|"):
                tmux("send-keys", "-t", "m", "/")
                if typed[:-1]:
                    tmux("send-keys", "-t", "m", "-l", typed[:-1])
                    wait(lambda s: settled(s, typed[:-1]), f"“{typed[:-1]}” answered", now())
                time.sleep(0.2)
                start = now()
                tmux("send-keys", "-t", "m", "-l", typed[-1])
                final, screen, seen, first = wait(lambda s: settled(s, typed), f"“{typed}” answered", start,
                                                  first=lambda s: answered(s, typed))
                first = final if first is None else first
                figures.setdefault(f"“{typed}” answer", []).append(first)
                figures.setdefault(f"“{typed}” final", []).append(final)
                figures[f"“{typed}” says"] = " ".join(filter_line(screen).split()[-3:])
                if options.trace:
                    print(zqt, typed, [(round(ms, 1), state) for ms, state in seen])
                tmux("send-keys", "-t", "m", "Escape")
                wait(lambda s: "submissions · newest first" in s, "the filter cleared", now())
                time.sleep(0.2)
            tmux("kill-session", "-t", "m")
            shutil.rmtree(scratch, ignore_errors=True)
finally:
    tmux("kill-server")
for zqt, figures in results.items():
    print(zqt)
    for name, values in figures.items():
        if isinstance(values, str):
            print(f"  {name}: {values}")
        else:
            print(f"  {name:30s} " + " ".join(f"{value:7.1f}" for value in values) + " ms")
