#!/usr/bin/env python3
"""Issue 18 (wal18): keys typed into zqt's prompt on a real screen (tmux 120x40, --sandbox, a throwaway home),
after MEGABYTES pasted into it, and the bytes zqt writes for them, per file (strace -y on the running zqt), with
SQLite's log frames decoded (which page, how many commits).
usage: measure-screen-typing-writes.py BINARY MEGABYTES KEYS PAUSE_SECONDS   (needs tmux and strace)"""
import os, re, subprocess, sys, tempfile, time, shutil, collections
binary, mb, keys, pause = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
sock = "wal18m%d" % os.getpid()
tmp = tempfile.mkdtemp(prefix="wal18-run-")
env = {k: os.path.join(tmp, k) for k in ("ZQT_HOME", "XDG_CONFIG_HOME", "HOME")}
for p in env.values(): os.makedirs(p)
def tm(*a, **kw): return subprocess.run(["tmux", "-L", sock] + list(a), check=True, capture_output=True, text=True, **kw).stdout
def screen(): return tm("capture-pane", "-p", "-t", "m")
def wait(pred, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        s = screen()
        if pred(s): return s
        time.sleep(0.2)
    raise SystemExit("timed out; screen:\n" + screen())
try:
    envs = " ".join("%s=%s" % kv for kv in env.items())
    tm("new-session", "-d", "-s", "m", "-x", "120", "-y", "40", "env %s %s --sandbox" % (envs, binary))
    wait(lambda s: "Prompt" in s and "F5 send" in s)
    # The pane runs env, which execs zqt: the pane's process is zqt.
    pid = int(tm("display", "-p", "-t", "m", "#{pane_pid}").strip())
    tm("send-keys", "-t", "m", "Enter")
    time.sleep(0.5)
    if mb > 0:
        tags = ["masterpiece", "best quality", "一个女孩在雨中", "film grain", "灯塔", "soft light", "highly detailed"]
        parts, size, i = [], 0, 0
        while size < mb * (1 << 20):
            t = tags[i % len(tags)] + ", "; parts.append(t); size += len(t.encode()); i += 1
        f = os.path.join(tmp, "paste.txt"); open(f, "w").write("".join(parts))
        tm("load-buffer", f); tm("paste-buffer", "-p", "-t", "m")
        time.sleep(3)
    tm("send-keys", "-t", "m", "x")
    time.sleep(3)  # every save of the paste done
    wal = os.path.join(env["ZQT_HOME"], "history.sqlite-wal")
    st = subprocess.Popen(["strace", "-f", "-qq", "-y", "-xx", "-s", "32", "-e", "trace=pwrite64,write,fsync,fdatasync", "-o", os.path.join(tmp, "trace"), "-p", str(pid)])
    time.sleep(1.5)
    def io():
        d = dict(l.split(": ") for l in open("/proc/%d/io" % pid).read().split("\n") if l)
        return int(d["wchar"]), int(d["write_bytes"])
    w0, size0 = io(), os.path.getsize(wal)
    for k in range(keys):
        tm("send-keys", "-t", "m", "abcdefghij"[k % 10])
        time.sleep(pause)
    time.sleep(1.5)
    w1, size1 = io(), os.path.getsize(wal)
    st.terminate(); st.wait()
    per = collections.Counter(); calls = collections.Counter()
    for line in open(os.path.join(tmp, "trace")):
        m = re.search(r'(pwrite64|write|fsync|fdatasync)\((\d+)<([^>]*)>.*= (\d+)$', line)
        if not m: continue
        path = bytes.fromhex(m.group(3).replace("\\x", "")).decode() if m.group(3).startswith("\\x") else m.group(3)
        name = os.path.basename(path) if "/" in path else path
        if m.group(1) in ("fsync", "fdatasync"): calls[name + " " + m.group(1)] += 1; continue
        per[name] += int(m.group(4)); calls[name] += 1
    print("binary %s, %s MB prompt, %d keys, %.2f s apart" % (binary, mb, keys, pause))
    print("wchar per key %d, write_bytes per key %d, -wal grew %d" % ((w1[0]-w0[0])//keys, (w1[1]-w0[1])//keys, size1-size0))
    pages = collections.Counter(); commits = 0
    for line in open(os.path.join(tmp, "trace")):
        m = re.search(r'pwrite64\(\d+<([^>]*)>, "((?:\\x[0-9a-f]{2}){24})", 24', line)
        if not m or not bytes.fromhex(m.group(1).replace("\\x", "")).endswith(b"-wal"): continue
        b = bytes.fromhex(m.group(2).replace("\\x", ""))
        pages[int.from_bytes(b[0:4], "big")] += 1
        if int.from_bytes(b[4:8], "big"): commits += 1
    print("  commits per key %.2f, frames per key %.2f, distinct pages %d: %s" % (commits / keys, sum(pages.values()) / keys, len(pages), sorted(pages.items())[:40]))
    for name in sorted(per): print("  %-28s %9d bytes per key, %5.1f writes per key" % (name, per[name]//keys, calls[name]/keys))
    for name in sorted(calls):
        if name not in per: print("  %-28s %5.1f per key" % (name, calls[name]/keys))
finally:
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
