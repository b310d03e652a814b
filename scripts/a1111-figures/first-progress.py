#!/usr/bin/env python3
# Times from the send to the first progress line, from zqt send's own lines (release binary).
import subprocess, sys, time, os
zqt, cfg_env = sys.argv[1], dict(os.environ)
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
firsts = []
for _ in range(runs):
    p = subprocess.Popen([zqt, "send", "examples/txt2img.json", "--endpoint", "txt2img", "--profile", "bench"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=cfg_env)
    t_post = None; first = None
    for line in p.stdout:
        now = time.monotonic()
        if line.startswith("POST ") and t_post is None: t_post = now
        # The first progress line: "running: step N/M, …" (it read "status 1 …" before the A1111 wording).
        if line.startswith("running") and first is None and t_post is not None:
            first = now - t_post
    p.wait()
    firsts.append(first)
print("first progress after the send (s):", " ".join("%.3f" % f for f in firsts))
print("median %.3f" % sorted(firsts)[len(firsts)//2])
