#!/usr/bin/env python3
"""Writes scripts/zqt.order: the functions a start and a send of the screen
run, in the order they are first reached, for the release link (lld's
--symbol-ordering-file, Package.swift). Placed together, they fill fewer
pages: the kernel maps 64 KB around each page of code a process first runs,
so code spread over the binary was 9 MB resident for 4.8 MB run (issue 18,
docs/dev/measurements.md, mem18g).

How: scripts/tools/pagetrace.c (built here with cc) is preloaded into a
release zqt in a 120x40 tmux pane (`--sandbox --images off`, a throwaway
ZQT_HOME and config folder); the pane loads examples/controlnet.json, sends
it, waits for its success and quits. The trace is the order in which the
code's 4 KB pages were first run; each page becomes the functions that lie on
it (`nm`), in address order, each named once.

Run it after a release build, then build release again (only the link runs):
    swift build -c release --product zqt
    scripts/gen-order-file.py [.build/release/zqt]
    swift build -c release --product zqt
A stale order costs only memory: names the code no longer has are skipped
(their warning silenced), new functions go after the listed ones.
Usage: scripts/gen-order-file.py [ZQT] [--out FILE]"""
import os, shutil, subprocess, sys, tempfile, time, bisect

args = sys.argv[1:]
out_path = None
if "--out" in args:
    at = args.index("--out")
    out_path = args[at + 1]
    del args[at:at + 2]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
zqt = os.path.abspath(args[0] if args else os.path.join(root, ".build/release/zqt"))
out_path = out_path or os.path.join(root, "scripts/zqt.order")
request_file = os.path.join(root, "examples/controlnet.json")
socket = "zqt-order-trace"

def tmux(*arguments):
    return subprocess.run(["tmux", "-L", socket, *arguments], capture_output=True, text=True).stdout

def wait(condition, what, timeout=120):
    deadline = time.time() + timeout
    screen = ""
    while time.time() < deadline:
        screen = tmux("capture-pane", "-p", "-t", "trace")
        if condition(screen):
            return screen
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}; screen:\n{screen}")

work = tempfile.mkdtemp(prefix="zqt-order-")
try:
    tracer = os.path.join(work, "pagetrace.so")
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", tracer, os.path.join(root, "scripts/tools/pagetrace.c"), "-ldl"], check=True)
    trace = os.path.join(work, "pages.txt")
    home, config = os.path.join(work, "home"), os.path.join(work, "config")
    os.mkdir(home)
    os.mkdir(config)
    tmux("new-session", "-d", "-s", "trace", "-x", "120", "-y", "40",
         f"exec env -u ZQT_PROFILE -u ZQT_BASE_URL PAGETRACE_OUT={trace} LD_PRELOAD={tracer} ZQT_HOME={home} "
         f"XDG_CONFIG_HOME={config} TERM=xterm-256color LANG=C.UTF-8 {zqt} --sandbox --images off")
    try:
        wait(lambda s: "SANDBOX" in s, "the first frame")
        time.sleep(2)  # the key check and the model lists, as a user's start has them
        tmux("send-keys", "-t", "trace", "L")
        wait(lambda s: "Load a request" in s, "the load prompt")
        tmux("send-keys", "-t", "trace", "-l", request_file)
        tmux("send-keys", "-t", "trace", "Enter")
        wait(lambda s: "masterpiece" in s.lower(), "the loaded request")
        time.sleep(0.5)
        tmux("send-keys", "-t", "trace", "F5")
        wait(lambda s: "success" in s.lower(), "the send's success")
        time.sleep(1.5)
        tmux("send-keys", "-t", "trace", "q")
        time.sleep(1)
    finally:
        tmux("kill-server")
    pages = []
    seen = set()
    for line in open(trace):
        line = line.strip()
        if line and not line.startswith("X"):
            page = int(line, 16)
            if page not in seen:
                seen.add(page)
                pages.append(page)
    # Functions by address: nm's "address size type name" for text symbols.
    symbols = []
    listing = subprocess.run(["nm", "-S", "--defined-only", zqt], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        fields = line.split(None, 3)
        if len(fields) == 4 and fields[2] in "tTWw" and int(fields[1], 16) > 0:
            symbols.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    symbols.sort()
    starts = [s[0] for s in symbols]
    names, listed = [], set()
    for page in pages:
        # Every function overlapping [page, page + 4096).
        index = max(0, bisect.bisect_right(starts, page) - 1)
        while index < len(symbols) and symbols[index][0] < page + 4096:
            address, size, name = symbols[index]
            if address + size > page and name not in listed:
                listed.add(name)
                names.append(name)
            index += 1
    with open(out_path, "w") as out:
        out.write("\n".join(names) + "\n")
    print(f"{len(pages)} pages of code run ({len(pages) * 4} KB), {len(names)} functions -> {out_path}")
finally:
    shutil.rmtree(work, ignore_errors=True)
