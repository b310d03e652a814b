#!/bin/bash
# First frame and resident memory at start with and without a config file,
# memory read both at one second (first-frame's figure) and at three, when
# every case has checked its keys at start and so has libcurl loaded;
# for one build or two builds in turn (A B A B …, so a noisy machine treats
# both alike). Medians of RUNS runs (default 7). Each start gets a history
# folder and a config folder of its own; no network is used (the base URL
# is a closed loopback port).
#   scripts/measure-config.sh [RUNS] ZQT [OTHER_ZQT]
# e.g. scripts/measure-config.sh 7 .build/release/zqt /tmp/before/.build/release/zqt
set -u
cd "$(dirname "$0")/.."
runs=$1; shift
builds=("$@")
marker="exactly what is sent"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# The three cases: no file, an inline secret, a secret from a command.
mkdir -p "$root/none" "$root/inline/zqt" "$root/command/zqt"
cat > "$root/inline/zqt/config.toml" <<'EOF'
default_profile = "work"
theme = "dark"

[profiles.work]
base_url = "http://127.0.0.1:9"
access_key_id = "AKIDmeasure"
access_key_secret = "measure-secret-0123456789"

[defaults]
steps = 30
"alwayson_scripts.sd_vae" = "vae-ft-mse-840000-ema-pruned.safetensors"

[keys]
submit = ["F5", "Ctrl-x"]
EOF
sed 's/^access_key_secret = .*/key_secret_command = "echo measure-secret-0123456789"/' \
    "$root/inline/zqt/config.toml" > "$root/command/zqt/config.toml"
chmod 600 "$root"/*/zqt/config.toml

# Resident memory (KiB) of a zqt three seconds after its start.
rss_at_three() {
    local session=mc$$
    tmux new-session -d -s "$session" -x 120 -y 40 "$*"
    sleep 3
    local pane; pane=$(tmux display -p -t "$session" '#{pane_pid}')
    local rss; rss=$(ps -o rss= --ppid "$pane" 2>/dev/null | sort -n | tail -1); [ -z "$rss" ] && rss=$(ps -o rss= -p "$pane")
    tmux kill-session -t "$session"
    echo "rss3_kib=$rss"
}

for case in none inline command; do
    for i in "${!builds[@]}"; do : > "$root/out-$case-$i"; done
    # Without a file the keys come from the environment, so every case checks
    # its keys at start (and loads libcurl) alike.
    keys=(); [ "$case" = none ] && keys=(ZQT_ACCESS_KEY_ID=AKIDmeasure ZQT_ACCESS_KEY_SECRET=measure-secret-0123456789)
    for run in $(seq "$runs"); do
        for i in "${!builds[@]}"; do
            env -u ZQT_ACCESS_KEY_ID -u ZQT_ACCESS_KEY_SECRET -u ZQT_PROFILE -u ZQT_BASE_URL \
                ZQT_HOME="$root/home-$case-$i-$run" XDG_CONFIG_HOME="$root/$case" "${keys[@]}" \
                scripts/tools/first-frame "$marker" "${builds[$i]}" --base-url http://127.0.0.1:9 >> "$root/out-$case-$i"
            env -u ZQT_ACCESS_KEY_ID -u ZQT_ACCESS_KEY_SECRET -u ZQT_PROFILE -u ZQT_BASE_URL \
                ZQT_HOME="$root/home3-$case-$i-$run" XDG_CONFIG_HOME="$root/$case" "${keys[@]}" \
                bash -c "$(declare -f rss_at_three); rss_at_three env ZQT_HOME=$root/home3-$case-$i-$run XDG_CONFIG_HOME=$root/$case ${keys[*]} ${builds[$i]} --base-url http://127.0.0.1:9" >> "$root/out-$case-$i"
        done
    done
    for i in "${!builds[@]}"; do
        out=$(cat "$root/out-$case-$i")
        kib=$(echo "$out" | field rss_kib | median)
        kib3=$(echo "$out" | field rss3_kib | median)
        printf '%-8s %-45s first frame %s ms (min %s, max %s), resident %s.%s MB at 1 s, %s.%s MB at 3 s\n' "$case" "${builds[$i]}" \
            "$(echo "$out" | field first_frame_ms | median)" \
            "$(echo "$out" | field first_frame_ms | sort -n | head -1)" \
            "$(echo "$out" | field first_frame_ms | sort -n | tail -1)" \
            $((kib / 1024)) $(((kib % 1024) * 10 / 1024)) $((kib3 / 1024)) $(((kib3 % 1024) * 10 / 1024))
    done
done
