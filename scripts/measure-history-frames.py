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
--keys (filter20): every key of each filter typed and timed, one at a time
(its answer waited for, then a pause), not only the last.
--split (filter20): zqt runs under `strace -f --seccomp-bpf -e trace=read,write`
(only those calls stop it), and each timed key's time is split from the
trace: the key read by the loop, the query thread's answers posted to the
inbox (the query's own time, its queue wait included), the loop's read of
each post (its wait for the loop), and the frame's writes to the terminal
that follow (the drawing). Strace's own cost is in the figures.
--leave (mem23): before each filter, the history screen left (F2), a pause
(--leave-seconds), and opened again (F2, its rows and count waited for): the
filter's keys are then the first after coming back, when zqt has let go of
the filter's caches.
Usage: [chrt -f 50] scripts/measure-history-frames.py ZQT... --home DIR
       [--runs N] [--filters 'a|b c|d'] [--trace] [--keys] [--split] [--leave]"""
import argparse, os, re, shutil, subprocess, tempfile, time

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("zqt", nargs="+")
parser.add_argument("--home", required=True)
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--trace", action="store_true")
parser.add_argument("--filters", default="lighthouse 灯塔|zzqqxx|灯塔 x")
parser.add_argument("--timeout", type=float, default=60)
parser.add_argument("--keys", action="store_true")
parser.add_argument("--split", action="store_true")
parser.add_argument("--leave", action="store_true")
parser.add_argument("--leave-seconds", type=float, default=2.0)
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


CALL = re.compile(r'^(\d+)\s+(\d+\.\d+) (read|write)\((\d+),.*\)\s+=\s+(-?\d+)')
UNFINISHED = re.compile(r'^(\d+)\s+(\d+\.\d+) (read|write)\((\d+),.*<unfinished \.\.\.>')
RESUMED = re.compile(r'^(\d+)\s+\d+\.\d+ <\.\.\. (read|write) resumed>.*=\s+(-?\d+)')


def split(trace_path, keys):
    """For each (label, wall time sent): ms from the send to the key read,
    then each post / pickup / frame after it, until the next key's send."""
    calls, started = [], {}
    with open(trace_path, errors="replace") as trace:
        for line in trace:
            if match := CALL.match(line):
                tid, at, call, fd, result = match.groups()
                calls.append((int(tid), float(at), call, int(fd), int(result)))
            elif match := UNFINISHED.match(line):
                tid, at, call, fd = match.groups()
                started[int(tid)] = (float(at), call, int(fd))
            elif (match := RESUMED.match(line)) and int(match.group(1)) in started:
                at, call, fd = started.pop(int(match.group(1)))
                calls.append((int(match.group(1)), at, call, fd, int(match.group(3))))
    calls.sort(key=lambda call: call[1])
    if not calls:
        return
    # The loop's thread: the one reading the terminal (zqt may start as another process first).
    main = next((tid for tid, _, call, fd, _ in calls if call == "read" and fd == 0), None)
    posts = {fd for tid, _, call, fd, result in calls if call == "write" and tid != main and result == 1}
    for index, (label, sent) in enumerate(keys):
        until = keys[index + 1][1] if index + 1 < len(keys) else float("inf")
        events, key_read, drawing = [], None, None
        for tid, at, call, fd, result in calls:
            if at < sent or at >= until:
                continue
            ms = (at - sent) * 1000
            if key_read is None:
                if tid == main and call == "read" and fd == 0 and result > 0:
                    key_read = ms
                continue
            if tid != main and call == "write" and fd in posts:
                events.append(f"post {ms - key_read:.1f}")
                drawing = None
            elif tid == main and call == "read" and fd + 1 in posts and result > 0:
                # The inbox's pipe: read end, then write end (pipe(2) takes the lowest free fds).
                events.append(f"pickup {ms - key_read:.1f}")
                drawing = None
            elif tid == main and call == "write" and fd == 1:
                if drawing is None:
                    events.append(f"drawn {ms - key_read:.1f}")
                    drawing = len(events) - 1
                else:
                    events[drawing] = f"drawn {ms - key_read:.1f}"
        if key_read is not None and label:
            print(f"    {label}: key read {key_read:.1f} ms after send; from it: " + ", ".join(events))


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
            traced = (f"strace -f -ttt --seccomp-bpf -e trace=read,write -e signal=none -s 0 -o {scratch}/trace "
                      if options.split else "")
            command = (f"env ZQT_HOME={options.home} HOME={scratch} XDG_CONFIG_HOME={scratch}/config "
                       + f"{traced}{os.path.abspath(zqt)} --base-url http://127.0.0.1:9")
            sent_keys = []
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
                if options.leave:
                    tmux("send-keys", "-t", "m", "F2")
                    wait(lambda s: "exactly what is sent" in s, "the form", now())
                    time.sleep(options.leave_seconds)
                    start = now()
                    tmux("send-keys", "-t", "m", "F2")
                    back, _, _, _ = wait(lambda s: "submissions · newest first" in s, "the count, back", start)
                    figures.setdefault("F2 back, count", []).append(back)
                    time.sleep(0.2)
                tmux("send-keys", "-t", "m", "/")
                if options.keys:
                    for length in range(1, len(typed)):
                        time.sleep(0.2)
                        part = typed[:length]
                        start = now()
                        sent_keys.append((f"“{part}”", time.time()))
                        tmux("send-keys", "-t", "m", "-l", part[-1])
                        final, _, _, first = wait(lambda s: settled(s, part), f"“{part}” answered", start,
                                                  first=lambda s: answered(s, part))
                        figures.setdefault(f"  “{part}” answer", []).append(final if first is None else first)
                        figures.setdefault(f"  “{part}” final", []).append(final)
                elif typed[:-1]:
                    tmux("send-keys", "-t", "m", "-l", typed[:-1])
                    wait(lambda s: settled(s, typed[:-1]), f"“{typed[:-1]}” answered", now())
                time.sleep(0.2)
                start = now()
                sent_keys.append((f"“{typed}”", time.time()))
                tmux("send-keys", "-t", "m", "-l", typed[-1])
                final, screen, seen, first = wait(lambda s: settled(s, typed), f"“{typed}” answered", start,
                                                  first=lambda s: answered(s, typed))
                first = final if first is None else first
                figures.setdefault(f"“{typed}” answer", []).append(first)
                figures.setdefault(f"“{typed}” final", []).append(final)
                figures[f"“{typed}” says"] = " ".join(filter_line(screen).split()[-3:])
                if options.trace:
                    print(zqt, typed, [(round(ms, 1), state) for ms, state in seen])
                sent_keys.append(("", time.time()))  # the split of the last key ends here
                tmux("send-keys", "-t", "m", "Escape")
                wait(lambda s: "submissions · newest first" in s, "the filter cleared", now())
                time.sleep(0.2)
            tmux("kill-session", "-t", "m")
            if options.split:
                time.sleep(0.5)  # strace writes its last lines as zqt ends
                print(f"{zqt} run {run + 1}, split (ms after the key read):")
                split(f"{scratch}/trace", sent_keys)
            if not os.environ.get("KEEP_TRACE"):
                shutil.rmtree(scratch, ignore_errors=True)
finally:
    tmux("kill-server")
def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


for zqt, figures in results.items():
    print(zqt)
    if options.keys:
        # Every key typed, over the runs: the figure the goal speaks of (a final answer p95 ≤ 16 ms, worst ≤ 33 ms).
        for stage in ("answer", "final"):
            values = [value for name, kept in figures.items() if name.endswith(f" {stage}") and not isinstance(kept, str)
                      for value in kept]
            print(f"  every key's {stage}: p50 {percentile(values, 0.5):.1f}, p95 {percentile(values, 0.95):.1f}, "
                  + f"worst {max(values):.1f} ms ({len(values)} keys)")
    for name, values in figures.items():
        if isinstance(values, str):
            print(f"  {name}: {values}")
        else:
            print(f"  {name:30s} " + " ".join(f"{value:7.1f}" for value in values) + " ms")
