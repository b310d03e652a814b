#!/bin/bash
# Times the history screen as a user sees it: zqt in a 120x40 tmux pane on a
# history folder (fill one first: zqt bench history --rows 100000 --home DIR),
# then the milliseconds from pressing F2 until the list is on screen, and from
# each filter keystroke until its rows are. Includes tmux's own polling (a few
# ms); `zqt bench history` measures the same path without the terminal.
# Usage: scripts/history-screen-timing.sh DIR [ZQT]
home=${1:?history folder}; zqt=${2:-.build/release/zqt}
sess=hst$$
now() { date +%s%N; }
wait_for() { local start=$1 pattern=$2; while ! tmux capture-pane -p -t "$sess" | grep -qF -- "$pattern"; do
    (( $(now) - start > 5000000000 )) && { echo "timeout waiting for $pattern"; return 1; }; done
    echo $(( ($(now) - start) / 1000000 )); }
tmux new-session -d -s "$sess" -x 120 -y 40 "ZQT_HOME=$home $zqt --base-url http://127.0.0.1:9"
wait_for "$(now)" "exactly what is sent" >/dev/null
sleep 0.5
t=$(now); tmux send-keys -t "$sess" F2; echo "open history: $(wait_for "$t" "newest first") ms"
tmux send-keys -t "$sess" /; sleep 0.3
typed=""
for c in l i g h t h; do
    typed+=$c
    t=$(now); tmux send-keys -t "$sess" -l "$c"; echo "keystroke '$typed': $(wait_for "$t" "/ $typed ") ms"
done
tmux kill-session -t "$sess"
