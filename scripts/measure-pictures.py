#!/usr/bin/env python3
"""Issue 11's figures for a built zqt (default .build/release/zqt), in a
120x40 tmux pane, for a 1024x1024 Flux result from the sandbox (a tool:
no intermediate images, so the picture is the only one):
- success_to_thumbnail_ms: from the status line saying the task succeeded to
  the thumbnail's caption with the image's size (drawn once it is decoded),
  at the resolution of tmux's capture-pane (a few ms);
- bytes_f5_to_settled: what zqt wrote to the terminal from F5 until 1.5 s
  after the picture, recorded by script(1); the "off" run is the same frames
  without a picture, so the difference is the picture's cost per mode;
- idle_bytes_3s after it, the resident memory with the picture on screen,
  and which image libraries were mapped before the first picture.
Usage: scripts/measure-pictures.py [ZQT] [MODE ...]"""
import json, os, re, subprocess, sys, tempfile, time

zqt = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/zqt")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="zqt-pictures-")
request = json.load(open(os.path.join(root, "examples/flux.json")))
request.update(width=1024, height=1024)
request_file = os.path.join(work, "flux-1024.json")
json.dump(request, open(request_file, "w"))

def tmux(*args):
    return subprocess.run(["tmux", "-L", "zqt-measure", *args], capture_output=True, text=True).stdout

def wait(session, condition, timeout=60, step=0.002):
    deadline = time.time() + timeout
    screen = ""
    while time.time() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if condition(screen):
            return screen
        time.sleep(step)
    raise SystemExit(f"timed out; screen:\n{screen}")

def zqt_pid():
    return int(subprocess.run(["pgrep", "-n", "-f", f"^{zqt} --sandbox"], capture_output=True, text=True).stdout.split()[0])

def run(mode):
    home = os.path.join(work, "home-" + mode)
    record = os.path.join(work, "typescript-" + mode)
    session = "m" + mode
    command = (f"env ZQT_HOME={home} TERM=xterm-256color LANG=C.UTF-8 script -qfc "
               f"'{zqt} --sandbox --images {mode}' {record}")
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    wait(session, lambda s: "SANDBOX" in s)
    pid = zqt_pid()
    maps = open(f"/proc/{pid}/maps").read()
    at_start = sorted({m for m in ("libchafa", "libpng", "libjpeg", "libwebp", "libglib") if m in maps})
    tmux("send-keys", "-t", session, "L")
    wait(session, lambda s: "Load a request" in s)
    tmux("send-keys", "-t", session, "-l", request_file)
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "blue sea, light yellow moon" in s)
    time.sleep(0.5)
    before = os.path.getsize(record)
    tmux("send-keys", "-t", session, "F5")
    wait(session, lambda s: "success · 1 image" in s.lower() or "Results · 1 image" in s)
    success = time.time()
    wait(session, lambda s: "1 · 1024×1024" in s)
    shown = time.time()
    time.sleep(1.5)
    after = os.path.getsize(record)
    rss = int(open(f"/proc/{pid}/status").read().split("VmRSS:")[1].split()[0])
    time.sleep(3)
    idle = os.path.getsize(record) - after
    # Enlarged: o, Enter; the full image decoded off the loop, then drawn as large as the pane allows.
    zoom = {}
    if mode != "off":
        tmux("send-keys", "-t", session, "o")
        wait(session, lambda s: "Enter enlarge" in s)
        before_zoom = os.path.getsize(record)
        pressed = time.time()
        tmux("send-keys", "-t", session, "Enter")
        wait(session, lambda s: "Image 1 of 1" in s)
        time.sleep(1.5)
        zoom = dict(zoom_bytes=os.path.getsize(record) - before_zoom,
                    zoom_rss_kib=int(open(f"/proc/{pid}/status").read().split("VmRSS:")[1].split()[0]))
        if os.environ.get("SMAPS"):
            import collections
            sizes = collections.Counter()
            name = None
            for line in open(f"/proc/{pid}/smaps"):
                parts = line.split()
                if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                    name = parts[5] if len(parts) > 5 else "[anon]"
                elif parts[0] == "Rss:":
                    sizes[name] += int(parts[1])
            print(sizes.most_common(8))
    maps = open(f"/proc/{pid}/maps").read()
    after_picture = sorted({m for m in ("libchafa", "libpng", "libjpeg", "libwebp", "libglib") if m in maps})
    tmux("send-keys", "-t", session, "q")
    time.sleep(0.5)
    tmux("kill-session", "-t", session)
    return dict(mode=mode, success_to_thumbnail_ms=round((shown - success) * 1000), bytes_f5_to_settled=after - before,
                idle_bytes_3s=idle, rss_kib=rss, mapped_at_start=at_start, mapped_after=after_picture, **zoom)

tmux("kill-server")
for mode in (sys.argv[2:] or ["off", "symbols", "kitty", "iterm2", "sixel"]):
    print(json.dumps(run(mode)), flush=True)
