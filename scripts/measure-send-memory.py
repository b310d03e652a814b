#!/usr/bin/env python3
"""Issue 18's "memory after network use": the resident memory of the screen
(a 120x40 tmux pane, `--sandbox --images off`, a throwaway ZQT_HOME and
config folder) 2 s after start (the key check and the model lists read, so
libcurl is loaded), then 1.5 s after one send of examples/controlnet.json
has succeeded (its image kept, not drawn).
Usage: scripts/measure-send-memory.py [ZQT] [RUNS]"""
import os, shutil, subprocess, sys, tempfile, time

zqt = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/zqt")
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
request_file = os.path.join(root, "examples/controlnet.json")

def tmux(*args):
    return subprocess.run(["tmux", "-L", "zqt-send-memory", *args], capture_output=True, text=True).stdout

def wait(session, condition, timeout=60):
    deadline = time.time() + timeout
    screen = ""
    while time.time() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if condition(screen):
            return screen
        time.sleep(0.01)
    raise SystemExit(f"timed out; screen:\n{screen}")

def resident_mb(pid):
    return int(open(f"/proc/{pid}/status").read().split("VmRSS:")[1].split()[0]) / 1024

for run in range(runs):
    home, config = tempfile.mkdtemp(prefix="zqt-send-memory-"), tempfile.mkdtemp(prefix="zqt-config-")
    session = f"s{run}"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40",
         f"env ZQT_HOME={home} XDG_CONFIG_HOME={config} TERM=xterm-256color LANG=C.UTF-8 {zqt} --sandbox --images off")
    wait(session, lambda s: "SANDBOX" in s)
    pid = int(subprocess.run(["pgrep", "-n", "-f", f"^{zqt} --sandbox"], capture_output=True, text=True).stdout.split()[0])
    time.sleep(2)
    at_start = resident_mb(pid)
    tmux("send-keys", "-t", session, "L")
    wait(session, lambda s: "Load a request" in s)
    tmux("send-keys", "-t", session, "-l", request_file)
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "masterpiece" in s.lower())
    time.sleep(0.5)
    tmux("send-keys", "-t", session, "F5")
    wait(session, lambda s: "success" in s.lower())
    time.sleep(1.5)
    print(f"2 s after start {at_start:.1f} MB, after one send {resident_mb(pid):.1f} MB", flush=True)
    tmux("send-keys", "-t", session, "q")
    time.sleep(0.5)
    tmux("kill-session", "-t", session)
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(config, ignore_errors=True)
