#!/usr/bin/env bash
# SIGKILL at random moments, RUNS times each, behind no test runner (it takes
# minutes). Issue 8 began it with `zqt send`; issue 21 adds the pictures and
# the screen. After the runs, zqt starts once more and the history and the
# pictures are checked:
#   send      `zqt send` killed while it sends and follows a task: the history
#             passes SQLite's integrity check and holds every submission the
#             sandbox accepted (rows are written before a request leaves).
#   pictures  `zqt send --download DIR` killed while it follows the task and
#             keeps its pictures: as `send`, and no kept copy or copy in DIR is
#             ever a part of a picture (written aside as *.part, then renamed),
#             and the next start clears the *.part files a kill left. Every
#             other run waits for a picture's *.part to appear and kills inside
#             its write: a debug build pauses half-way through each picture it
#             writes when ZQT_TEST_PICTURE_WRITE_PAUSE (seconds) is set (a
#             sandbox picture is otherwise written in microseconds).
#   screen    zqt's screen in tmux killed while the user types into the
#             prompt (the draft is saved 0.5 s after a change): the history
#             passes the integrity check, and the words typed a second or more
#             before the kill are in the draft the next start reads.
#   scripts/kill-loop.sh [RUNS] [send|pictures|screen|all]   (build first: swift build; ZQT=path picks the binary)
set -u
cd "$(dirname "$0")/.."
runs=${1:-50}
part=${2:-send}
zqt=${ZQT:-.build/debug/zqt}
[ -x "$zqt" ] || { echo "no zqt at $zqt: build first (swift build)"; exit 2; }
case "$part" in send|pictures|screen|all) ;; *) echo "usage: $0 [RUNS] [send|pictures|screen|all]"; exit 2 ;; esac
export ZQT_ACCESS_KEY_ID=k ZQT_ACCESS_KEY_SECRET=s

# One Python helper for every check, reading the history as any SQLite reader would.
check() { python3 - "$@" <<'PY'
import json, os, sqlite3, sys
what, home = sys.argv[1], sys.argv[2]
db = sqlite3.connect(os.path.join(home, "history.sqlite"))
if what == "integrity":
    print(db.execute("PRAGMA integrity_check").fetchone()[0])
elif what == "rows":
    print("\n".join(sorted(r[0] for r in db.execute("SELECT id_task FROM submission"))))
elif what == "draft-has":
    # The draft's pieces (migration 10) hold the typed words; a word is never cut (it is short and ASCII).
    print(db.execute("SELECT count(*) FROM draft_piece WHERE instr(text, ?) > 0", (sys.argv[3],)).fetchone()[0])
PY
}

# Every picture under the folders given: whole (a PNG up to its IEND chunk, a JPEG to its end mark), or a *.part.
pictures() { python3 - "$@" <<'PY'
import os, sys
whole = broken = parts = 0
for root in sys.argv[1:]:
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if name.endswith(".part"):
                parts += 1
                continue
            if name.endswith(".json"):
                continue
            data = open(path, "rb").read()
            ok = (data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82")) or \
                 (data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9"))
            if ok:
                whole += 1
            else:
                broken += 1
                print("broken:", path, file=sys.stderr)
print(whole, broken, parts)
PY
}

random_delay() { python3 -c "import random; print(round(random.uniform($1, $2), 3))"; }

failed=0

# `zqt send` (with --download DIR for pictures) killed RUNS times against one sandbox.
send_loop() {
    local mode=$1 home download port sandbox killed=0 inside=0
    home=$(mktemp -d) download=$(mktemp -d)
    port=$((20000 + RANDOM % 20000))
    "$zqt" sandbox --port "$port" --task-seconds 2 > "$home/sandbox.log" 2>&1 &
    sandbox=$!
    for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/sandbox" > /dev/null && break; sleep 0.05; done
    local extra=()
    [ "$mode" = pictures ] && extra=(--download "$download")
    local pause=1.0
    for run in $(seq "$runs"); do
        ZQT_TEST_PICTURE_WRITE_PAUSE=$([ "$mode" = pictures ] && echo "$pause" || echo 0) \
            ZQT_HOME="$home" "$zqt" send examples/text2image.json --endpoint text2image --base-url "http://127.0.0.1:$port" "${extra[@]}" > /dev/null 2>&1 &
        local pid=$!
        if [ "$mode" = pictures ] && [ $((run % 2)) -eq 0 ]; then
            # Inside a picture's write: once this writer's *.part is there (not one an earlier kill left), a kill within the pause.
            for _ in $(seq 600); do
                [ -n "$(find "$home/images" "$download" -name "*.$pid-*.part" 2> /dev/null | head -1)" ] && break
                kill -0 "$pid" 2> /dev/null || break
                sleep 0.025
            done
            sleep "$(random_delay 0.0 0.7)"
        else
            # The send, the task's second, the pictures' download: a kill may land in any of them.
            sleep "$(random_delay 0.0 3.0)"
        fi
        if kill -9 "$pid" 2> /dev/null; then killed=$((killed + 1)); fi
        wait "$pid" 2> /dev/null
        # A *.part of this writer is there only if the kill came inside its write (a write ends renamed or removed).
        [ -n "$(find "$home/images" "$download" -name "*.$pid-*.part" 2> /dev/null | head -1)" ] && inside=$((inside + 1))
    done
    read -r _ _ parts_left < <(pictures "$home/images" "$download")
    # The next start: one send left to end, which clears what the kills left.
    ZQT_HOME="$home" "$zqt" send examples/text2image.json --endpoint text2image --base-url "http://127.0.0.1:$port" "${extra[@]}" > /dev/null 2>&1
    local integrity accepted kept missing whole broken parts
    integrity=$(check integrity "$home")
    accepted=$(curl -s "http://127.0.0.1:$port/sandbox/requests" | python3 -c '
import json, sys
print("\n".join(sorted((b["body"] if isinstance(b["body"], dict) else json.loads(b["body"]))["alwayson_scripts"]["id_task"] for b in json.load(sys.stdin))))' | sed '/^$/d')
    kept=$(check rows "$home" | sed '/^$/d')
    missing=$(comm -23 <(echo "$accepted") <(echo "$kept") | sed '/^$/d' | wc -l)
    read -r whole broken parts < <(pictures "$home/images" "$download")
    kill "$sandbox" 2> /dev/null
    wait "$sandbox" 2> /dev/null
    echo "$mode: runs $runs, killed mid-way $killed (inside a picture's write $inside), integrity $integrity, accepted by the sandbox $(echo "$accepted" | sed '/^$/d' | wc -l), rows in history $(echo "$kept" | wc -l), accepted but missing $missing, pictures whole $whole, broken $broken, *.part left by the kills $parts_left, *.part after the next start $parts"
    # A run that saw no accepted submission proves nothing.
    if [ "$integrity" != "ok" ] || [ "$missing" -ne 0 ] || [ -z "$accepted" ] || [ "$broken" -ne 0 ] || [ "$parts" -ne 0 ]; then failed=1; fi
    # A pictures run none of whose kills landed inside a write proves nothing of it.
    if [ "$mode" = pictures ] && { [ "$whole" -eq 0 ] || [ "$inside" -eq 0 ]; }; then failed=1; fi
    rm -rf "$home" "$download"
}

# The screen in tmux, typing into the prompt, killed RUNS times; one history.
screen_loop() {
    local home socket killed=0 kept_words=0 asked_words=0 integrity_bad=0
    home=$(mktemp -d)
    socket="zqt-kill-loop-$$"
    for run in $(seq "$runs"); do
        local session="k$run" word="word${run}x$RANDOM"
        tmux -L "$socket" new-session -d -s "$session" -x 120 -y 40 \
            "TERM=xterm-256color ZQT_HOME=$home XDG_CONFIG_HOME=$home/config exec $zqt --sandbox"
        for _ in $(seq 200); do tmux -L "$socket" capture-pane -p -t "$session" 2> /dev/null | grep -q SANDBOX && break; sleep 0.05; done
        local pid
        pid=$(tmux -L "$socket" display-message -p -t "$session" '#{pane_pid}')
        # Into the prompt (the form opens on it): the word, then more typing while the kill comes.
        tmux -L "$socket" send-keys -t "$session" Enter
        tmux -L "$socket" send-keys -t "$session" -l " $word"
        local typed_at
        typed_at=$(date +%s.%N)
        for _ in $(seq 20); do tmux -L "$socket" send-keys -t "$session" -l " more" 2> /dev/null; sleep 0.03; done &
        sleep "$(random_delay 0.0 2.0)"
        local killed_at
        killed_at=$(date +%s.%N)
        if kill -9 "$pid" 2> /dev/null; then killed=$((killed + 1)); fi
        wait
        tmux -L "$socket" kill-session -t "$session" 2> /dev/null
        [ "$(check integrity "$home")" = ok ] || integrity_bad=$((integrity_bad + 1))
        # Words typed a second or more before the kill (two draft delays) must be in the draft.
        if python3 -c "import sys; sys.exit(0 if $killed_at - $typed_at >= 1.0 else 1)"; then
            asked_words=$((asked_words + 1))
            [ "$(check draft-has "$home" "$word")" -ge 1 ] && kept_words=$((kept_words + 1))
        fi
    done
    tmux -L "$socket" kill-server 2> /dev/null
    echo "screen: runs $runs, killed $killed, integrity failures $integrity_bad, drafts holding words typed >= 1 s before the kill $kept_words of $asked_words"
    if [ "$integrity_bad" -ne 0 ] || [ "$kept_words" -ne "$asked_words" ]; then failed=1; fi
    rm -rf "$home"
}

case "$part" in
    send) send_loop send ;;
    pictures) send_loop pictures ;;
    screen) screen_loop ;;
    all) send_loop send; send_loop pictures; screen_loop ;;
esac
exit "$failed"
