#!/usr/bin/env python3
"""Issue 11's figures for a built zqt (default .build/release/zqt), in tmux:
for a 1024x1024 sandbox result, the milliseconds from the status line's
"Success" to the thumbnail on screen, the bytes zqt wrote to the terminal
for the pane and its picture in each mode (recorded by script(1)), and the
resident memory once the picture is shown; and whether any image library
is mapped before the first picture. Usage: scripts/measure-pictures.py [ZQT]"""
import json, os, re, subprocess, sys, tempfile, time

zqt = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/zqt")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="zqt-pictures-")
request = json.load(open(os.path.join(root, "examples/controlnet.json")))
request.update(width=1024, height=1024, enable_hr=False)
request_file = os.path.join(work, "request-1024.json")
json.dump(request, open(request_file, "w"))

def tmux(*args):
    return subprocess.run(["tmux", "-L", "zqt-measure", *args], capture_output=True, text=True).stdout

def wait(session, condition, timeout=60, step=0.005):
    deadline = time.time() + timeout
    while time.time() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if condition(screen):
            return screen
        time.sleep(step)
    raise SystemExit(f"timed out; screen:\n{screen}")

def zqt_pid(session):
    pane = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
    out = subprocess.run(["pgrep", "-f", "-P", pane, zqt], capture_output=True, text=True).stdout.split()
    kids = subprocess.run(["pgrep", "-f", zqt], capture_output=True, text=True).stdout.split()
    return int((out or kids)[-1])

def run(mode):
    home = os.path.join(work, "home-" + mode)
    record = os.path.join(work, "typescript-" + mode)
    session = "m" + mode
    command = (f"env ZQT_HOME={home} TERM=xterm-256color LANG=C.UTF-8 script -qfc "
               f"'{zqt} --sandbox --images {mode}' {record}")
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    wait(session, lambda s: "SANDBOX" in s)
    pid = zqt_pid(session)
    maps = open(f"/proc/{pid}/maps").read()
    at_start = sorted({m for m in ("libchafa", "libpng", "libjpeg", "libwebp", "libglib") if m in maps})
    tmux("send-keys", "-t", session, "L")
    wait(session, lambda s: "Load a request" in s)
    tmux("send-keys", "-t", session, "-l", request_file)
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "revAnimated" in s)
    tmux("send-keys", "-t", session, "F5")
    wait(session, lambda s: "Success" in s, step=0.002)
    success = time.time()
    before = os.path.getsize(record)
    wait(session, lambda s: "1024×1024" in s, step=0.002)
    shown = time.time()
    time.sleep(1.5)
    after = os.path.getsize(record)
    rss = int(open(f"/proc/{pid}/status").read().split("VmRSS:")[1].split()[0])
    idle_before = os.path.getsize(record)
    time.sleep(3)
    idle = os.path.getsize(record) - idle_before
    tmux("send-keys", "-t", session, "q")
    time.sleep(0.5)
    tmux("kill-session", "-t", session)
    return dict(mode=mode, success_to_thumbnail_ms=round((shown - success) * 1000),
                bytes_from_success=after - before, idle_bytes_3s=idle, rss_kib=rss, mapped_at_start=at_start)

for mode in (sys.argv[2:] or ["symbols", "kitty", "iterm2", "sixel"]):
    print(json.dumps(run(mode)))
