#!/usr/bin/env python3
"""Issue 18's "memory after a 1 MB paste" and "a key in a 1 MB prompt", measured
on the real screen rather than in `zqt bench typing`: the ZQT binary runs in a
120x40 tmux pane (`--sandbox --images off`, a throwaway ZQT_HOME, HOME and
config folder), Enter opens the Prompt, a file of --paste-bytes is pasted
with tmux's bracketed paste (`load-buffer` + `paste-buffer -p`, as a terminal
pastes), then --keys keys are typed one at a time (each waited for on the
screen), Enter ends the edit, and `]` scrolls the JSON preview
--scroll-preview times (each waited for).
--unbracketed pastes without -p: tmux then sends the text unmarked, as if
typed (a terminal without bracketed paste; issue 18, pastemem18), and
--mixed makes the text English and Chinese prompt tags (its last rows English,
so the Prompt's columns can be read back).
Nothing sleeps a fixed time beyond polling: a stage ends when the screen
shows it and the process's CPU time has stopped moving (settled).
Prints, per run: VmRSS / VmHWM after the paste, after the keys, after the
scrolls; CPU ms per key (utime+stime from /proc/PID/stat, the settle
included, so a draft saved after the keys is counted); bytes written per key
by the process (/proc/PID/io write_bytes: what reached the page cache for
the disk, the draft's saves) and the growth of the history's -wal file per
key. SQLite writes a -wal again from its start after a checkpoint, so its
growth is 0 once it has reached its usual size: the -wal's size after the
keys is printed too, and write_bytes is the figure to compare.
--burst N (burst18) measures a key burst instead: after the paste, the edit
ends, `]` scrolls the preview --scroll-preview times, Enter edits again and
N ↑ are sent at once (`send-keys -N`); then --keys keys are typed one at a
time where the ↑ left the cursor (the text's start when N is large enough),
each waited for until the CPU settles. VmHWM (the peak since start) and
VmRSS after each stage; then zqt quits and starts again on the same home:
VmRSS and VmHWM one second after the restored draft's first frame.
--gap-ms G (screen19) types the keys at a pace instead: key i is sent G ms
after key i-1 was (or as soon as key i-1 shows, if later), and each key's
time from its send to the screen showing it is printed (polled every
~5 ms), so saves that fall between keys (DraftSaving.delay) show as late
keys; --jump-every N sends Ctrl-Home and Ctrl-End alternately after every
N keys, in the same rhythm (the jump one gap after a key, the next key one
gap after the jump), and the first key after each jump is counted apart.
--preview-far middle (or end) (leftovers21) measures what `zqt bench typing
--preview-scrolled N --preview-far middle --typing-at start` does, on the
screen: after the paste the edit ends and the JSON preview is scrolled far
into the long line by `]` alone (zqt has no key that jumps there; the bench
sets the offset): `]` in batches of --far-batch, each settled, until the
preview's title no longer shows ↓ (its end), then `[` half as many times
(middle) or three times (end, as the bench's); Enter edits again, --typing-at start sends Ctrl-Home (the
keys go above the preview's window), and --keys keys are typed one at a
time, each one's time from its send to the screen showing it printed with
the CPU per key.
"""
import argparse, glob, os, shutil, subprocess, sys, tempfile, time

class HelpFormat(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    pass


parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormat)
parser.add_argument("zqt", nargs="?", default=".build/release/zqt", help="the zqt binary measured (a release build)")
parser.add_argument("--paste-bytes", type=int, default=1 << 20, help="bytes pasted into the Prompt")
parser.add_argument("--keys", type=int, default=20, help="keys typed one at a time after the paste")
parser.add_argument("--scroll-preview", type=int, default=20, help="`]` presses after the edit's end (each waited for)")
parser.add_argument("--runs", type=int, default=1, help="runs, each in a fresh home")
parser.add_argument("--settle-ms", type=int, default=500,
                    help="CPU time unchanged this long counts as settled")
parser.add_argument("--timeout", type=float, default=120, help="seconds any one stage may take before the run fails")
parser.add_argument("--unbracketed", action="store_true", help="paste without -p: unmarked, as if typed")
parser.add_argument("--mixed", action="store_true", help="English and Chinese prompt tags")
parser.add_argument("--burst", type=int, default=0, help="N ↑ sent at once after the paste (see above)")
parser.add_argument("--wrap", default="", help="a command put before ZQT (a profiler: 'heaptrack -o /tmp/h'); "
                    "the figures are then read from ZQT's own process, found under the pane's")
parser.add_argument("--gap-ms", type=float, default=0, help="keys sent this far apart, each one's time to the screen printed")
parser.add_argument("--strace", default="", help="with --gap-ms: strace -f -tt -T (poll, read, write) during the keys into this file")
parser.add_argument("--jump-every", type=int, default=0, help="with --gap-ms: Ctrl-Home / Ctrl-End after every N keys")
parser.add_argument("--preview-far", choices=["middle", "end"], default="",
                    help="the preview scrolled by `]` to the long line's middle or end before the keys (see above)")
parser.add_argument("--typing-at", choices=["end", "start"], default="end",
                    help="with --preview-far: where the keys go once the Prompt is edited again (start: Ctrl-Home first)")
parser.add_argument("--far-batch", type=int, default=100,
                    help="with --preview-far: `]` sent at once (send-keys -N) per batch, until one no longer moves the preview")
parser.add_argument("--perf", default="",
                    help="with --preview-far: `perf record -g` on ZQT's process during the keys into this file "
                         "(screenfar22; read it with `perf report --no-children -i FILE`)")
options = parser.parse_args()
zqt = os.path.abspath(options.zqt)
socket_name = f"zqt-screen-typing-{os.getpid()}"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PHRASE = "a lighthouse on a rocky cliff at dusk, volumetric light, 8k, "
MIXED = "一个女孩在雨中, masterpiece, 灯塔, film grain, 柔和的光线, 8k, "
# Typed keys: no spaces, so a wrapped line never drops one of them.
KEYS = "0123456789abcdefghijklmnopqrstuvwxyz"
PROMPT_COLUMNS = slice(22, 62)  # the Prompt's value, left of the preview's border


def tmux(*args):
    return subprocess.run(["tmux", "-L", socket_name, *args], capture_output=True, text=True).stdout


def screen(session):
    return tmux("capture-pane", "-p", "-t", session)


def wait(session, condition, what, timeout=None):
    deadline = time.time() + (timeout or options.timeout)
    shown = ""
    while time.time() < deadline:
        shown = screen(session)
        if condition(shown):
            return shown
        time.sleep(0.005)
    raise SystemExit(f"timed out waiting for {what}; screen:\n{shown}")


def status(pid, field):
    return int(open(f"/proc/{pid}/status").read().split(field + ":")[1].split()[0]) / 1024


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def written_bytes(pid):
    for line in open(f"/proc/{pid}/io"):
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


def wal_bytes(home):
    return sum(os.path.getsize(f) for f in glob.glob(os.path.join(home, "**", "*-wal"), recursive=True))


def thread_ticks(pid):
    """CPU ticks by thread id (utime + stime), and each thread's name."""
    ticks = {}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            fields = open(f"{task}/stat").read().rsplit(")", 1)[1].split()
            ticks[int(os.path.basename(task))] = (int(fields[11]) + int(fields[12]), open(f"{task}/comm").read().strip())
        except OSError:
            continue  # a thread that ended meanwhile
    return ticks


def settle(pid, what):
    """Until the CPU time has not moved for --settle-ms (polled, not slept blindly)."""
    deadline = time.time() + options.timeout
    last, since = cpu_ticks(pid), time.time()
    while time.time() < deadline:
        time.sleep(0.02)
        now = cpu_ticks(pid)
        if now != last:
            last, since = now, time.time()
        elif time.time() - since >= options.settle_ms / 1000:
            return
    raise SystemExit(f"{what}: the process never went idle")


def zqt_process(pid):
    """The pane's process, or (under --wrap) the first process below it running ZQT."""
    pending = [pid]
    while pending:
        candidate = pending.pop(0)
        try:
            if os.path.realpath(f"/proc/{candidate}/exe") == os.path.realpath(zqt):
                return candidate
            children = open(f"/proc/{candidate}/task/{candidate}/children").read().split()
        except OSError:
            continue
        pending += [int(child) for child in children]
    return pid


def prompt_text(shown):
    """The Prompt's visible value, its wrapped rows joined (rows 3.. until the next field)."""
    rows = shown.split("\n")[2:]
    value = []
    for index, row in enumerate(rows):
        if index > 0 and row[:22].strip():
            break
        value.append(row[PROMPT_COLUMNS].rstrip())
    return "".join(value)


def memory(pid):
    # RssAnon too: VmRSS counts the binary's pages mapped, which differ between two copies of
    # the same build by 0.5-0.7 MB (a file just copied is all in the page cache, and more of it
    # is mapped at each fault), so builds are compared by their anonymous pages (burst18).
    return (f"VmRSS {status(pid, 'VmRSS'):.1f} MB, VmHWM {status(pid, 'VmHWM'):.1f} MB, "
            f"RssAnon {status(pid, 'RssAnon'):.1f} MB")


def start(session, command):
    """zqt in a new pane of the session; its process once the first frame is up."""
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"exec {command}")
    wait(session, lambda s: "SANDBOX" in s and "▸ Prompt" in s, "the first frame")
    return zqt_process(int(tmux("display", "-p", "-t", session, "#{pane_pid}").strip()))


def quit_zqt(session, pid):
    tmux("send-keys", "-t", session, "F10")
    deadline = time.time() + 10
    while time.time() < deadline and os.path.exists(f"/proc/{pid}"):
        time.sleep(0.05)


def burst(session, pid, home, command, after_paste):
    """--burst: the preview scrolled, N ↑ at once, keys typed where they left the cursor, a restart (burst18)."""
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "Enter edit" in s, "the edit's end")
    for _ in range(options.scroll_preview):
        tmux("send-keys", "-t", session, "]")
    settle(pid, "the scrolls")
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "Enter done" in s, "the edit again")
    settle(pid, "the edit again")
    before_burst = memory(pid)
    cpu0, started = cpu_ticks(pid), time.time()
    tmux("send-keys", "-t", session, "-N", str(options.burst), "Up")
    settle(pid, "the burst")
    burst_cpu_ms = (cpu_ticks(pid) - cpu0) * 1000 / CLOCK_TICKS
    burst_s = time.time() - started - options.settle_ms / 1000
    after_burst = memory(pid)
    cpu0 = cpu_ticks(pid)
    for index in range(options.keys):
        shown = screen(session)
        tmux("send-keys", "-t", session, "-l", KEYS[index % len(KEYS)])
        wait(session, lambda s: s != shown, f"key {index + 1}")
        settle(pid, f"key {index + 1}")
    keys_cpu_ms = (cpu_ticks(pid) - cpu0) * 1000 / CLOCK_TICKS / max(options.keys, 1)
    after_keys = memory(pid)
    quit_zqt(session, pid)
    tmux("kill-session", "-t", session)
    pid = start(session, command)
    shown_at = time.time()
    time.sleep(max(0.0, shown_at + 1 - time.time()))
    restarted = memory(pid)
    print(f"{options.paste_bytes} bytes pasted, then a burst of {options.burst} ↑", flush=True)
    print(f"  after the paste:   {after_paste}")
    print(f"  before the burst ({options.scroll_preview} `]`): {before_burst}")
    print(f"  after {options.burst} ↑ at once: {after_burst} (CPU {burst_cpu_ms:.0f} ms, done after {burst_s:.2f} s)")
    print(f"  after {options.keys} keys typed there: {after_keys} (CPU {keys_cpu_ms:.1f} ms a key)")
    print(f"  restarted, 1 s after the restored draft's first frame: {restarted}", flush=True)
    quit_zqt(session, pid)


def prompt_rows(shown):
    return [row[PROMPT_COLUMNS] for row in shown.split("\n")[2:37]]


def paced(session, pid):
    """--gap-ms: keys at a pace, each key's send-to-screen time (screen19)."""
    settle(pid, "the paste")
    tracer = None
    if options.strace:
        # Every thread (the event loop is not the process's first): the loop's reads, frames and waits.
        tracer = subprocess.Popen(["strace", "-f", "-tt", "-T", "-e", "trace=poll,read,write", "-o", options.strace, "-p", str(pid)],
                                  stderr=subprocess.DEVNULL)
        time.sleep(1)  # attached to every thread before the first key
    plain, after_jump, lines = [], [], []
    jumps = ["C-Home", "C-End"]
    next_send = time.time()
    cpu0 = cpu_ticks(pid)
    for index in range(options.keys):
        jumped = options.jump_every and index and index % options.jump_every == 0
        if jumped:
            # In the keys' rhythm, as typed: the jump, then the next key one gap after it.
            key_name = jumps[(index // options.jump_every - 1) % 2]
            time.sleep(max(0.0, next_send - time.time()))
            before = prompt_rows(screen(session))
            jump_sent = time.time()
            tmux("send-keys", "-t", session, key_name)
            # Ctrl-Home shows as the field's first rows; Ctrl-End as its last (both change the rows shown).
            wait(session, lambda s: prompt_rows(s) != before, f"{key_name} after key {index}")
            lines.append(f"[{key_name} {(time.time() - jump_sent) * 1000:.0f}]")
            next_send = jump_sent + options.gap_ms / 1000
        time.sleep(max(0.0, next_send - time.time()))
        before = prompt_rows(screen(session))
        sent = time.time()
        tmux("send-keys", "-t", session, "-l", KEYS[index % len(KEYS)])
        wait(session, lambda s: prompt_rows(s) != before, f"key {index + 1}")
        shown_ms = (time.time() - sent) * 1000
        (after_jump if jumped else plain).append(shown_ms)
        lines.append(f"{shown_ms:.0f}{'*' if jumped else ''}")
        next_send = sent + options.gap_ms / 1000
    settle(pid, "the keys")
    cpu_per_key = (cpu_ticks(pid) - cpu0) * 1000 / CLOCK_TICKS / max(options.keys, 1)
    if tracer:
        tracer.terminate()
        tracer.wait()

    summary = key_times_summary
    print(f"{options.keys} keys {options.gap_ms:.0f} ms apart (CPU {cpu_per_key:.1f} ms a key, the saves included)", flush=True)
    print(f"  each key's time to the screen, ms (* after a jump): {' '.join(lines)}")
    print(f"  keys: {summary(plain)}")
    if after_jump:
        print(f"  first keys after a jump: {summary(after_jump)}", flush=True)


def preview_rows(shown):
    """The JSON preview's rows (right of the Prompt's columns)."""
    return [row[63:] for row in shown.split("\n")[2:37]]


def key_times_summary(values):
    if not values:
        return "none"
    ordered = sorted(values)
    late = sum(1 for v in values if v > 2 * ordered[len(ordered) // 2])
    return (f"{len(values)} keys, p50 {ordered[len(ordered) // 2]:.0f} ms, p90 {ordered[int(len(ordered) * 0.9)]:.0f} ms, "
            f"max {ordered[-1]:.0f} ms, over twice the p50: {late}")


def press_settled(session, pid, key, count, what):
    """`count` presses of `key` at once; CPU ms they took (the settle's idle wait adds none)."""
    cpu0 = cpu_ticks(pid)
    tmux("send-keys", "-t", session, "-N", str(count), key)
    settle(pid, what)
    return (cpu_ticks(pid) - cpu0) * 1000 / CLOCK_TICKS


def far(session, pid):
    """--preview-far: the preview scrolled far into the long line by `]`, then keys typed (leftovers21)."""
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "Enter edit" in s, "the edit's end")
    settle(pid, "the edit's end")
    # The preview's title row ends in ↓ while there is more below. Its rows cannot tell: the repeated
    # phrase wraps the same every five rows, so a batch of `]` can leave them as they were.
    more_below = lambda: screen(session).split("\n")[1].rstrip().endswith("↓")
    presses, scroll_cpu_ms, started = 0, 0.0, time.time()
    while more_below():
        scroll_cpu_ms += press_settled(session, pid, "]", options.far_batch, f"`]` {presses + 1}-{presses + options.far_batch}")
        presses += options.far_batch
        if time.time() - started > options.timeout:
            raise SystemExit(f"the preview's end not reached after {presses} `]`")
    # As the bench: three `]` short of the end (the long line's last rows at the top, the JSON's end below).
    back = 3 if options.preview_far == "end" else presses // 2
    scroll_cpu_ms += press_settled(session, pid, "[", back, "the `[` back")
    print(f"preview scrolled to the long line's {options.preview_far}: its end within {presses - options.far_batch} to "
          f"{presses} `]`, then {back} `[`; CPU {scroll_cpu_ms / (presses + back):.2f} ms a press", flush=True)
    print(f"  its top row: {preview_rows(screen(session))[0].strip()[:50]!r}")
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "Enter done" in s, "the edit again")
    if options.typing_at == "start":
        before = prompt_rows(screen(session))
        tmux("send-keys", "-t", session, "C-Home")
        wait(session, lambda s: prompt_rows(s) != before, "Ctrl-Home")
    settle(pid, "the edit again")
    profiler = None
    if options.perf:
        profiler = subprocess.Popen(["perf", "record", "-g", "-q", "-o", options.perf, "-p", str(pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)  # attached before the first key
    times, shown_cpu = [], 0
    cpu0, threads0 = cpu_ticks(pid), thread_ticks(pid)
    for index in range(options.keys):
        before = prompt_rows(screen(session))
        sent, key_cpu0 = time.time(), cpu_ticks(pid)
        tmux("send-keys", "-t", session, "-l", KEYS[index % len(KEYS)])
        wait(session, lambda s: prompt_rows(s) != before, f"key {index + 1}")
        times.append((time.time() - sent) * 1000)
        shown_cpu += cpu_ticks(pid) - key_cpu0
        settle(pid, f"key {index + 1}")
    cpu_per_key = (cpu_ticks(pid) - cpu0) * 1000 / CLOCK_TICKS / max(options.keys, 1)
    if profiler:
        profiler.send_signal(2)  # SIGINT: perf writes its file and ends
        profiler.wait()
    # Where the key's CPU goes: until the key shows, and by thread (the event loop, the text's read, the draft's save).
    threads1 = thread_ticks(pid)
    spent = sorted(((ticks - threads0.get(tid, (0, ""))[0], tid, name) for tid, (ticks, name) in threads1.items()), reverse=True)
    per_key = lambda ticks: f"{ticks * 1000 / CLOCK_TICKS / max(options.keys, 1):.1f}"
    by_thread = ", ".join(f"{tid} {name} {per_key(ticks)}" for ticks, tid, name in spent if ticks > 0)
    # The process's figure keeps the threads that ended (the reads' and the saves' timers, a read's own thread).
    ended = cpu_ticks(pid) - cpu0 - sum(ticks for ticks, _, _ in spent)
    shown = prompt_text(screen(session)).replace(" ", "")
    typed = "".join(KEYS[i % len(KEYS)] for i in range(options.keys))
    # The cursor moves on after each key: the text starts with them in order.
    if options.typing_at == "start" and not shown.startswith(typed[:30]):
        print(f"  (the Prompt's first rows do not start with the keys typed: {shown[:40]!r})")
    print(f"{options.keys} keys typed at the Prompt's {options.typing_at}, the preview far (CPU {cpu_per_key:.1f} ms a key, "
          f"each settled, the saves included)")
    print(f"  CPU a key until the key showed (ticks of {1000 / CLOCK_TICKS:.0f} ms): {shown_cpu * 1000 / CLOCK_TICKS / max(options.keys, 1):.1f} ms; "
          f"by thread (id, name, ms a key): {by_thread or 'none'}, threads that ended {per_key(ended)}")
    print(f"  each key's time to the screen, ms: {' '.join(f'{t:.0f}' for t in times)}")
    print(f"  keys: {key_times_summary(times)}", flush=True)


def run(number, paste_file, paste_tail):
    home, config, user_home = (tempfile.mkdtemp(prefix=f"zqt-screen-typing-{p}-") for p in ("home", "config", "user"))
    session = f"s{number}"
    try:
        zqt_command = (f"env -u ZQT_PROFILE -u ZQT_BASE_URL ZQT_HOME={home} XDG_CONFIG_HOME={config} HOME={user_home} "
                       f"TERM=xterm-256color LANG=C.UTF-8 {options.wrap} {zqt} --sandbox --images off")
        pid = start(session, zqt_command)
        settle(pid, "start")
        at_start = memory(pid)
        tmux("send-keys", "-t", session, "Enter")
        wait(session, lambda s: "Enter done" in s, "the Prompt's editor")
        tmux("load-buffer", "-b", "zqt-paste", paste_file)
        cpu_before_paste = cpu_ticks(pid)
        paste_started = time.time()
        tmux("paste-buffer", *([] if options.unbracketed else ["-p"]), "-b", "zqt-paste", "-t", session)
        wait(session, lambda s: prompt_text(s).replace(" ", "").endswith(paste_tail.replace(" ", "")), "the paste's end in the Prompt")
        paste_shown_s = time.time() - paste_started
        settle(pid, "the paste")
        paste_cpu_ms = (cpu_ticks(pid) - cpu_before_paste) * 1000 / CLOCK_TICKS
        after_paste = memory(pid)

        if options.burst:
            burst(session, pid, home, zqt_command, after_paste)
            return
        if options.gap_ms:
            paced(session, pid)
            quit_zqt(session, pid)
            return
        if options.preview_far:
            far(session, pid)
            quit_zqt(session, pid)
            return

        typed = ""
        cpu0, io0, wal0 = cpu_ticks(pid), written_bytes(pid), wal_bytes(home)
        for index in range(options.keys):
            key = KEYS[index % len(KEYS)]
            typed += key
            tail = (paste_tail.replace(" ", "") + typed)[-min(len(typed) + 6, 30):]
            tmux("send-keys", "-t", session, "-l", key)
            wait(session, lambda s: prompt_text(s).replace(" ", "").endswith(tail), f"key {index + 1}")
        settle(pid, "the keys")
        keys = max(options.keys, 1)
        cpu_per_key = (cpu_ticks(pid) - cpu0) * 1000 / CLOCK_TICKS / keys
        io_per_key = (written_bytes(pid) - io0) / keys
        wal_per_key = (wal_bytes(home) - wal0) / keys
        after_keys = memory(pid)

        tmux("send-keys", "-t", session, "Enter")
        wait(session, lambda s: "Enter edit" in s, "the edit's end")
        settle(pid, "the edit's end")
        after_edit = memory(pid)
        scroll_cpu0 = cpu_ticks(pid)
        for index in range(options.scroll_preview):
            before = [row[63:] for row in screen(session).split("\n")[2:37]]
            tmux("send-keys", "-t", session, "]")
            wait(session, lambda s: [row[63:] for row in s.split("\n")[2:37]] != before, f"scroll {index + 1}")
        settle(pid, "the scrolls")
        # The settle's own wait is idle: the CPU counted is the presses' (screen19).
        scroll_cpu_ms = (cpu_ticks(pid) - scroll_cpu0) * 1000 / CLOCK_TICKS / max(options.scroll_preview, 1)
        after_scrolls = memory(pid)

        print(f"run {number + 1}: {options.paste_bytes} bytes pasted, {options.keys} keys, "
              f"{options.scroll_preview} preview scrolls", flush=True)
        print(f"  at start:          {at_start}")
        print(f"  after the paste:   {after_paste} (paste CPU {paste_cpu_ms:.0f} ms, its end shown after "
              f"{paste_shown_s:.2f} s, {'unbracketed' if options.unbracketed else 'bracketed'})")
        print(f"  after the keys:    {after_keys}")
        print(f"  after the edit's end (Enter): {after_edit}")
        print(f"  after the scrolls: {after_scrolls} (CPU {scroll_cpu_ms:.2f} ms a `]`)")
        print(f"  per key: CPU {cpu_per_key:.1f} ms, write_bytes {io_per_key:,.0f} B, -wal growth {wal_per_key:,.0f} B "
              f"(-wal {wal_bytes(home):,} B after the keys)",
              flush=True)
        quit_zqt(session, pid)
    finally:
        tmux("kill-session", "-t", session)
        for folder in (home, config, user_home):
            shutil.rmtree(folder, ignore_errors=True)


def main():
    text = (PHRASE * (options.paste_bytes // len(PHRASE) + 1))[:options.paste_bytes]
    if options.mixed:
        # Counted in bytes (a Chinese character is three); the last rows stay English.
        tags = MIXED * (options.paste_bytes // len(MIXED.encode()) + 1)
        cut = max(0, options.paste_bytes - 4 * len(PHRASE))
        tags = tags.encode()[:cut].decode(errors="ignore")
        text = tags + PHRASE * 4
    paste = tempfile.NamedTemporaryFile("w", prefix="zqt-screen-typing-paste-", delete=False)
    try:
        paste.write(text)
        paste.close()
        tail = text.rstrip()[-20:]
        print(f"{zqt} (load average{os.popen('uptime').read().split('load average')[1].strip()})", flush=True)
        for number in range(options.runs):
            run(number, paste.name, tail)
    finally:
        os.unlink(paste.name)
        tmux("kill-server")


main()
