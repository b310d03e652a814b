#!/usr/bin/env python3
"""Issue 18 (wal18): keys typed into zqt's prompt on a real screen (tmux 120x40, --sandbox, a throwaway home),
after MEGABYTES pasted into it, and the bytes zqt writes for them, per file (strace -y on the running zqt), with
SQLite's log frames decoded (which page, how many commits).
usage: measure-screen-typing-writes.py BINARY MEGABYTES KEYS PAUSE_SECONDS [end|middle|start|tour] [numbered]   (needs tmux and strace)
The keys go at the text's end (the default), in its middle (the second half pasted, ↑ to the top, Home, the first
half pasted: the cursor is between them) or at its start (↑ to the top, Home); ↑ and Home waited for by the process's
CPU time settling; `tour` types at the end, then the middle, then the start in one session. The text repeats seven tags, so its pieces (DraftPieces, cut by content) repeat and the history keeps
a few kilobytes of it; `numbered` numbers each tag (`灯塔 1234, `), as a real prompt differs all along: a megabyte of
pieces."""
import os, re, subprocess, sys, tempfile, time, shutil, collections
if len(sys.argv) < 5 or sys.argv[1] in ("-h", "--help"):
    print(__doc__)
    sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
binary, mb, keys, pause = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
where = sys.argv[5] if len(sys.argv) > 5 else "end"
assert where in ("end", "middle", "start", "tour"), where
numbered = len(sys.argv) > 6 and sys.argv[6] == "numbered"
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
            t = tags[i % len(tags)] + (" %d" % i if numbered else "") + ", "; parts.append(t); size += len(t.encode()); i += 1
        def cpu():
            fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        def settle():
            last, since = cpu(), time.time()
            while time.time() - since < 1.5:
                time.sleep(0.1)
                now = cpu()
                if now != last: last, since = now, time.time()
        def paste(text):
            f = os.path.join(tmp, "paste.txt"); open(f, "w").write(text)
            tm("load-buffer", f); tm("paste-buffer", "-p", "-t", "m")
            time.sleep(3); settle()
        def to_top():
            tm("send-keys", "-t", "m", "-N", "40000", "Up"); settle()
            tm("send-keys", "-t", "m", "Home"); settle()
        half = len(parts) // 2
        if where == "middle":
            paste("".join(parts[half:])); to_top(); paste("".join(parts[:half]))
        else:
            paste("".join(parts))
            if where == "start": to_top()
    tm("send-keys", "-t", "m", "x")
    time.sleep(3)  # every save of the paste done
    wal = os.path.join(env["ZQT_HOME"], "history.sqlite-wal")
    def io():
        d = dict(l.split(": ") for l in open("/proc/%d/io" % pid).read().split("\n") if l)
        return int(d["wchar"]), int(d["write_bytes"])
    def measure(where):
        draft = subprocess.run(["sqlite3", os.path.join(env["ZQT_HOME"], "history.sqlite"), "SELECT count(*), sum(length(text)) FROM draft_piece"], capture_output=True, text=True).stdout.strip()
        trace = os.path.join(tmp, "trace")
        st = subprocess.Popen(["strace", "-f", "-qq", "-y", "-xx", "-s", "32", "-e", "trace=pwrite64,write,fsync,fdatasync", "-o", trace, "-p", str(pid)])
        time.sleep(1.5)
        w0, size0 = io(), os.path.getsize(wal)
        for k in range(keys):
            tm("send-keys", "-t", "m", "abcdefghij"[k % 10])
            time.sleep(pause)
        time.sleep(1.5)
        w1, size1 = io(), os.path.getsize(wal)
        st.terminate(); st.wait()
        per = collections.Counter(); calls = collections.Counter()
        for line in open(trace):
            m = re.search(r'(pwrite64|write|fsync|fdatasync)\((\d+)<([^>]*)>.*= (\d+)$', line)
            if not m: continue
            path = bytes.fromhex(m.group(3).replace("\\x", "")).decode() if m.group(3).startswith("\\x") else m.group(3)
            name = os.path.basename(path) if "/" in path else path
            if m.group(1) in ("fsync", "fdatasync"): calls[name + " " + m.group(1)] += 1; continue
            per[name] += int(m.group(4)); calls[name] += 1
        print("binary %s, %s MB prompt, %d keys at its %s, %.2f s apart (draft_piece rows, characters before the keys: %s)" % (binary, mb, keys, where, pause, draft))
        print("wchar per key %d, write_bytes per key %d, -wal grew %d" % ((w1[0]-w0[0])//keys, (w1[1]-w0[1])//keys, size1-size0))
        pages = collections.Counter(); commits = 0
        for line in open(trace):
            m = re.search(r'pwrite64\(\d+<([^>]*)>, "((?:\\x[0-9a-f]{2}){24})", 24', line)
            if not m or not bytes.fromhex(m.group(1).replace("\\x", "")).endswith(b"-wal"): continue
            b = bytes.fromhex(m.group(2).replace("\\x", ""))
            pages[int.from_bytes(b[0:4], "big")] += 1
            if int.from_bytes(b[4:8], "big"): commits += 1
        print("  commits per key %.2f, frames per key %.2f, distinct pages %d: %s" % (commits / keys, sum(pages.values()) / keys, len(pages), sorted(pages.items())[:40]))
        for name in sorted(per): print("  %-28s %9d bytes per key, %5.1f writes per key" % (name, per[name]//keys, calls[name]/keys))
        for name in sorted(calls):
            if name not in per: print("  %-28s %5.1f per key" % (name, calls[name]/keys))
    if where != "tour":
        measure(where)
    else:
        # One session, as one edits: the end, then the middle (↑ half the rows), then the start.
        measure("end")
        tm("send-keys", "-t", "m", "-N", str(int(mb * 13000)), "Up"); settle()
        measure("middle, after the end")
        to_top()
        measure("start, after the end and the middle")
finally:
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    # zqt saves its drafts on its way out (SIGHUP): the home goes once it has ended.
    end = time.time() + 10
    while "pid" in globals() and time.time() < end and os.path.exists("/proc/%d" % pid): time.sleep(0.1)
    shutil.rmtree(tmp, ignore_errors=True)
