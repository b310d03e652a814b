#!/bin/bash
# Bytes zqt writes to the terminal while following one 20-step A1111 job (2 s at the sandbox's 100 ms a step):
# from F5 until the result's status line, and the idle bytes per second after it.
zqt=$1; log=$(mktemp); sess=a1b$$
home=$(mktemp -d)
tmux new-session -d -s $sess -x 120 -y 40 "script -q -f -c 'env XDG_CONFIG_HOME=/tmp/a1111bench/cfg3 ZQT_HOME=$home TERM=xterm-256color $zqt --profile bench --images symbols' $log"
for i in $(seq 200); do tmux capture-pane -p -t $sess | grep -q "txt2img" && break; sleep 0.05; done
sleep 1
tmux send-keys -t $sess Enter; sleep 0.3; tmux send-keys -t $sess -l "a red lighthouse"; sleep 0.5
s0=$(stat -c %s $log); t0=$(date +%s.%N)
tmux send-keys -t $sess F5
for i in $(seq 400); do tmux capture-pane -p -t $sess | grep -q "done: 1 picture" && break; sleep 0.05; done
sleep 0.3
s1=$(stat -c %s $log); t1=$(date +%s.%N)
sleep 5; s2=$(stat -c %s $log)
tmux capture-pane -p -t $sess | tail -2
pp=$(tmux display-message -p -t $sess '#{pane_pid}'); kids=$(pgrep -P $pp); tmux kill-session -t $sess; kill $kids $pp 2>/dev/null
echo "follow_bytes=$((s1 - s0)) seconds=$(echo "$t1 - $t0" | bc) idle_bytes_per_s=$(( (s2 - s1) / 5 ))"
