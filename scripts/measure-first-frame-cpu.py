#!/usr/bin/env python3
"""The first frame's cost in CPU time, which a loaded machine changes much
less than the wall time (issue 18, mem18f): start zqt in a 120x40 tmux pane
(a throwaway ZQT_HOME and config folder, keys from the environment or a
config file, the base URL a closed loopback port), watch the pane until the
first frame's marker shows, then read at once the CPU time of all its
threads (/proc/PID/task/*/schedstat, nanoseconds), its page faults
(/proc/PID/stat) and the wall time since the start. Builds run in turn
(A B A B ...); medians of RUNS runs.

  [CASES="again nokeys"] scripts/measure-first-frame-cpu.py RUNS ZQT [OTHER_ZQT ...]

Cases: `none` (no config file, keys from ZQT_*), `inline` (a config file with
its secret), `command` (key_secret_command), each with a fresh history
folder (the first start ever: the history is created), `again` (no
config file, the history folder of an earlier start: the usual start), and
`nokeys` (as `again` without keys). Every case but `nokeys` checks its keys
right after the first frame, which loads libcurl: the pane is read a few
milliseconds after the frame, so their CPU figure holds some of that too;
`nokeys` does nothing after its frame and gives the frame's CPU alone."""
import os, shutil, statistics, subprocess, sys, tempfile, time

MARKER = "exactly what is sent"
runs = int(sys.argv[1])
builds = [os.path.abspath(b) for b in sys.argv[2:]]
root = tempfile.mkdtemp(prefix="zqt-ffcpu-")
CONFIG = """default_profile = "work"
theme = "dark"

[profiles.work]
base_url = "http://127.0.0.1:9"
access_key_id = "AKIDmeasure"
SECRET

[defaults]
steps = 30
"alwayson_scripts.sd_vae" = "vae-ft-mse-840000-ema-pruned.safetensors"

[keys]
submit = ["F5", "Ctrl-x"]
"""
for case, secret in (("inline", 'access_key_secret = "measure-secret-0123456789"'),
                     ("command", 'key_secret_command = "echo measure-secret-0123456789"')):
    os.makedirs(f"{root}/{case}/zqt")
    path = f"{root}/{case}/zqt/config.toml"
    open(path, "w").write(CONFIG.replace("SECRET", secret))
    os.chmod(path, 0o600)
os.makedirs(f"{root}/none")
ENV_KEYS = "ZQT_ACCESS_KEY_ID=AKIDmeasure ZQT_ACCESS_KEY_SECRET=measure-secret-0123456789"

def tmux(*args):
    return subprocess.run(["tmux", "-L", "zqt-ffcpu", *args], capture_output=True, text=True).stdout

def cpu_ns(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(open(f"/proc/{pid}/task/{task}/schedstat").read().split()[0])
        except OSError:
            pass
    return total

def faults(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[7]), int(fields[9])  # minflt, majflt

def one(build, case, home):
    config = f"{root}/{'none' if case in ('again', 'nokeys') else case}"
    keys = ENV_KEYS if case in ("none", "again") else ""
    command = (f"exec env -u ZQT_PROFILE -u ZQT_BASE_URL ZQT_HOME={home} XDG_CONFIG_HOME={config} {keys} "
               f"TERM=tmux-256color LANG=C.UTF-8 {build} --base-url http://127.0.0.1:9")
    start = time.monotonic()
    tmux("new-session", "-d", "-s", "ff", "-x", "120", "-y", "40", command)
    pid = int(tmux("display", "-p", "-t", "ff", "#{pane_pid}").strip())
    while True:
        if MARKER in tmux("capture-pane", "-p", "-t", "ff"):
            break
        if time.monotonic() - start > 30:
            raise SystemExit("timed out")
    wall = (time.monotonic() - start) * 1000
    cpu = cpu_ns(pid) / 1e6
    minflt, majflt = faults(pid)
    tmux("kill-session", "-t", "ff")
    time.sleep(0.2)
    return wall, cpu, minflt, majflt

results = {}
for case in os.environ.get("CASES", "none inline command again nokeys").split():
    for run in range(runs):
        for i, build in enumerate(builds):
            home = f"{root}/home-{case}-{i}-{run}"
            if case in ("again", "nokeys"):
                home = f"{root}/home-{case}-{i}"
                if run == 0:  # the earlier start that made the history
                    one(build, case, home)
            results.setdefault((case, i), []).append(one(build, case, home))
    for i, build in enumerate(builds):
        rows = results[(case, i)]
        med = lambda k: statistics.median(r[k] for r in rows)
        print(f"{case:8} {build:45} CPU at first frame {med(1):.1f} ms (min {min(r[1] for r in rows):.1f}), "
              f"wall {med(0):.0f} ms (min {min(r[0] for r in rows):.0f}), minor faults {med(2):.0f}, major {med(3):.0f}",
              flush=True)
print(f"load: {open('/proc/loadavg').read().split()[:3]}")
tmux("kill-server")
shutil.rmtree(root, ignore_errors=True)
