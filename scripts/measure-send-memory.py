#!/usr/bin/env python3
"""Issue 18's "memory after network use": the resident memory of the screen
(a 120x40 tmux pane, `--sandbox --images off`, a throwaway ZQT_HOME and
config folder) 2 s after start (the key check and the model lists read, so
libcurl is loaded), then 1.5 s after one send of examples/controlnet.json
has succeeded (its image kept, not drawn).
With --separate the sandbox runs as a process of its own (`ZQT sandbox
--port P`) and the screen talks to it with --base-url and keys, so the figure
is the client's alone: without it, the in-process sandbox's server threads,
task records and drawn images are counted in the screen's memory too.
With --where, each run also prints what the send added, by mapping
(/proc/PID/smaps: a library, zqt's own binary, the heap, anonymous maps).
Usage: scripts/measure-send-memory.py [ZQT] [RUNS] [--separate] [--where]"""
import os, shutil, socket, subprocess, sys, tempfile, time

separate = "--separate" in sys.argv
where_added = "--where" in sys.argv
args = [a for a in sys.argv[1:] if a not in ("--separate", "--where")]
zqt = os.path.abspath(args[0] if len(args) > 0 else ".build/release/zqt")
runs = int(args[1]) if len(args) > 1 else 3
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

def resident_by_mapping(pid):
    """Resident KiB by what is mapped: a file's name, [heap], [stack], or anonymous."""
    totals, name = {}, None
    for line in open(f"/proc/{pid}/smaps"):
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5 and ":" not in fields[0]:
            name = os.path.basename(fields[5]) if len(fields) > 5 else "anonymous"
        elif fields[0] == "Rss:":
            totals[name] = totals.get(name, 0) + int(fields[1])
    return totals

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

for run in range(runs):
    home, config = tempfile.mkdtemp(prefix="zqt-send-memory-"), tempfile.mkdtemp(prefix="zqt-config-")
    session = f"s{run}"
    sandbox = None
    if separate:
        port = free_port()
        sandbox = subprocess.Popen([zqt, "sandbox", "--port", str(port), "--task-seconds", "0.5"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   env={**os.environ, "ZQT_HOME": tempfile.mkdtemp(prefix="zqt-sandbox-")})
        sandbox.stdout.readline()  # "listening on": the port is open
        where = f"ZQT_ACCESS_KEY_ID=any ZQT_ACCESS_KEY_SECRET=any {zqt} --base-url http://127.0.0.1:{port}"
    else:
        where = f"{zqt} --sandbox"
    # exec: the pane's process is zqt itself.
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40",
         f"exec env -u ZQT_PROFILE -u ZQT_BASE_URL ZQT_HOME={home} XDG_CONFIG_HOME={config} TERM=xterm-256color "
         f"LANG=C.UTF-8 {where} --images off")
    wait(session, lambda s: ("SANDBOX" if not separate else "exactly what is sent") in s)
    pid = int(tmux("display", "-p", "-t", session, "#{pane_pid}").strip())
    time.sleep(2)
    at_start = resident_mb(pid)
    mappings_at_start = resident_by_mapping(pid)
    tmux("send-keys", "-t", session, "L")
    wait(session, lambda s: "Load a request" in s)
    tmux("send-keys", "-t", session, "-l", request_file)
    tmux("send-keys", "-t", session, "Enter")
    wait(session, lambda s: "masterpiece" in s.lower())
    time.sleep(0.5)
    tmux("send-keys", "-t", session, "F5")
    wait(session, lambda s: "success" in s.lower())
    time.sleep(1.5)
    label = "separate sandbox" if separate else "sandbox in the process"
    print(f"{label}: 2 s after start {at_start:.1f} MB, after one send {resident_mb(pid):.1f} MB", flush=True)
    if where_added:
        after = resident_by_mapping(pid)
        added = sorted(((after.get(k, 0) - mappings_at_start.get(k, 0), k) for k in set(after) | set(mappings_at_start)), reverse=True)
        print("  added by the send (KiB): " + ", ".join(f"{k} {d:+d}" for d, k in added if abs(d) >= 64), flush=True)
    tmux("send-keys", "-t", session, "q")
    time.sleep(0.5)
    tmux("kill-session", "-t", session)
    if sandbox:
        sandbox.terminate()
        sandbox.wait()
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(config, ignore_errors=True)
