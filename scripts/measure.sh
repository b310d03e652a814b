#!/bin/bash
# The README's measured figures, medians of N runs (default 5), with the
# tools in scripts/tools on a release build. Each zqt starts on a history
# folder of its own, so a user's history is never touched.
#   scripts/measure.sh [RUNS]          (build first: swift build -c release)
set -u
cd "$(dirname "$0")/.."
runs=${1:-5}
tools=scripts/tools
zqt=.build/release/zqt
marker="exactly what is sent"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }

first_frame() {  # label, then the command
    local label=$1; shift
    local out; out=$(for _ in $(seq "$runs"); do "$tools/first-frame" "$marker" "$@"; done)
    echo "$label: first frame $(echo "$out" | field first_frame_ms | median) ms, resident $(( $(echo "$out" | field rss_kib | median) / 1024 )).$(( ($(echo "$out" | field rss_kib | median) % 1024) * 10 / 1024 )) MB"
}

fresh=$(mktemp -d)
first_frame "sandbox, new user" env ZQT_HOME="$fresh/a" "$zqt" --sandbox
first_frame "no network use yet" env ZQT_HOME="$fresh/b" "$zqt" --base-url http://127.0.0.1:9
if [ -d /tmp/zqt-bench ]; then
    first_frame "sandbox, 100,000-row history (/tmp/zqt-bench)" env ZQT_HOME=/tmp/zqt-bench "$zqt" --sandbox
fi
out=$(for _ in $(seq "$runs"); do "$tools/wire-bytes" "$marker" "Enter" env ZQT_HOME="$fresh/c" "$zqt" --sandbox; done)
echo "terminal bytes: idle $(echo "$out" | field idle_bytes_per_s | median) B/s, $(echo "$out" | field bytes_per_key | median) B per character typed into the prompt"
rm -rf "$fresh"
