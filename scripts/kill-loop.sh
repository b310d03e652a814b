#!/usr/bin/env bash
# Issue 8's kill test, behind no test runner (it takes a minute or two):
# `zqt send` killed with SIGKILL at a random moment while it sends and
# follows a task, RUNS times against one standalone sandbox and one history.
# Afterwards the history must pass SQLite's integrity check and hold every
# submission the sandbox accepted (rows are written before a request leaves).
#   scripts/kill-loop.sh [RUNS]     (build first: swift build; ZQT=path picks the binary)
set -u
cd "$(dirname "$0")/.."
runs=${1:-50}
zqt=${ZQT:-.build/debug/zqt}
home=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"$zqt" sandbox --port "$port" --task-seconds 2 > "$home/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/sandbox" > /dev/null && break; sleep 0.05; done
killed=0
for _ in $(seq "$runs"); do
    ZQT_HOME="$home" ZQT_ACCESS_KEY_ID=k ZQT_ACCESS_KEY_SECRET=s \
        "$zqt" send examples/text2image.json --endpoint text2image --base-url "http://127.0.0.1:$port" > /dev/null 2>&1 &
    pid=$!
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.0, 3.0), 3))')"
    if kill -9 "$pid" 2> /dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2> /dev/null
done
integrity=$(python3 - "$home/history.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("PRAGMA integrity_check").fetchone()[0])
PY
)
accepted=$(curl -s "http://127.0.0.1:$port/sandbox/requests" | python3 -c '
import json, sys
print("\n".join(sorted((b["body"] if isinstance(b["body"], dict) else json.loads(b["body"]))["alwayson_scripts"]["id_task"] for b in json.load(sys.stdin))))')
kept=$(python3 - "$home/history.sqlite" <<'PY'
import sqlite3, sys
print("\n".join(sorted(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT id_task FROM submission"))))
PY
)
missing=$(comm -23 <(echo "$accepted" | sed '/^$/d') <(echo "$kept" | sed '/^$/d') | wc -l)
echo "runs $runs, killed mid-way $killed, integrity $integrity, accepted by the sandbox $(echo "$accepted" | sed '/^$/d' | wc -l), rows in history $(echo "$kept" | sed '/^$/d' | wc -l), accepted but missing $missing"
# A run that saw no accepted submission proves nothing.
[ "$integrity" = "ok" ] && [ "$missing" -eq 0 ] && [ -n "$(echo "$accepted" | sed '/^$/d')" ]
