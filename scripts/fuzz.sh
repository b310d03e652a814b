#!/usr/bin/env bash
# libFuzzer over every decoder of outside input, one target per kind of input
# (Tests/ModelTests/DecoderExercise.swift names them; Fuzz/DecodersFuzzTarget.swift
# is the entry), compiled with the Model sources, address sanitizer on.
# Each target starts from its corpus in the repo (Fuzz/corpus/NAME) and the
# documents the tests use, runs for the given time, and prints the inputs it
# tried; the last line is the total. A crash or timeout leaves its input in
# .build-fuzz/findings/NAME and makes the script exit 1. Leak reports are off:
# Swift's runtime keeps its type caches for the process.
#
# An input is a hang when it runs for 25 s: libFuzzer times it by the clock,
# and on a loaded machine (2 cores, builds beside it) an input that takes
# 0.1 s alone was seen to take over 5 s.
# Allocation stacks are not recorded (malloc_context_size=0): recording one
# for every allocation took a fifth of the time. A finding is replayed with
# ASan's defaults to see them: ZQT_FUZZ_TARGET=NAME .build-fuzz/fuzz-decoders FILE
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   each target for SECONDS (default 60); every target when none is named
#   scripts/fuzz.sh --keep [SECONDS] [TARGET...]   also merges what libFuzzer found interesting into Fuzz/corpus/NAME
#   scripts/fuzz.sh --jobs N ...            N targets at a time (default: one a core); each still runs for SECONDS
#   scripts/fuzz.sh --list                  the targets and what each reads
#   scripts/fuzz.sh --total                 the inputs of every run in the ledger, added up
#
# Every run that ends is added to the ledger, Fuzz/runs.tsv (kept in the repo
# with the corpus it grew): when, at which commit, how long, the inputs each
# target ran and whether anything was found. The corpus carries each run on
# from where the last left off, so the ledger's total is the fuzzing the
# decoders have had; the README quotes it.
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
jobs=$(nproc 2>/dev/null || echo 1)
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) keep=true; shift ;;
        --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
        *) break ;;
    esac
done
ledger=Fuzz/runs.tsv
if [ "${1:-}" = "--total" ]; then
    awk -F'\t' 'NR > 1 { inputs += $6; runs++; if ($7 != "0 crashes, 0 timeouts") bad++ }
        END { printf "%d inputs in %d runs (%s); %s\n", inputs, runs, FILENAME, bad ? bad " runs found something" : "0 crashes, 0 timeouts" }' "$ledger"
    exit 0
fi
case "$jobs" in ''|*[!0-9]*|0) echo "fuzz.sh: --jobs takes a whole number of 1 or more" >&2; exit 2 ;; esac
out=.build-fuzz
binary="$out/fuzz-decoders"

build() {
    . scripts/setup.sh
    mkdir -p "$out/ccurl" "$out/ctoml"
    # The curl shim is C: compiled on its own, its header found through a module map made here.
    printf 'module CCurlShim {\n    header "%s/Sources/CCurlShim/include/CCurlShim.h"\n    export *\n}\n' "$PWD" > "$out/ccurl/module.modulemap"
    clang -c -O1 -fsanitize=fuzzer-no-link,address Sources/CCurlShim/shim.c -I Sources/CCurlShim/include -o "$out/ccurl/shim.o"
    # The config file's TOML reader (toml++, C++) likewise.
    printf 'module CTOML {\n    header "%s/Sources/CTOML/include/CTOML.h"\n    export *\n}\n' "$PWD" > "$out/ctoml/module.modulemap"
    clang++ -std=c++17 -c -O1 -fsanitize=fuzzer-no-link,address Sources/CTOML/toml_to_json.cpp -I Sources/CTOML/include -o "$out/ctoml/toml_to_json.o"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Model -D ZQT_FUZZ \
        -I Sources/CSQLite -I Sources/CSystem -I "$out/ccurl" -I "$out/ctoml" -lsqlite3 -ldl -lstdc++ "$out/ccurl/shim.o" "$out/ctoml/toml_to_json.o" \
        $(find Sources/Model -name '*.swift') Tests/ModelTests/DecoderExercise.swift Fuzz/DecodersFuzzTarget.swift -o "$binary"
}

# Built again only when a source it is made of changed.
if [ ! -x "$binary" ] || [ -n "$(find Sources/Model Sources/CCurlShim Sources/CTOML Fuzz/*.swift Tests/ModelTests/DecoderExercise.swift \
        -newer "$binary" -type f \( -name '*.swift' -o -name '*.c' -o -name '*.cpp' -o -name '*.h' \) -print -quit)" ]; then
    mkdir -p "$out"
    build >"$out/build.log" 2>&1 || { grep -v 'Cannot export local symbol' "$out/build.log" | tail -40; exit 1; }
fi
if [ "${1:-}" = "--list" ]; then ZQT_FUZZ_TARGET=list "$binary"; exit 0; fi

seconds=${1:-60}
shift || true
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(ZQT_FUZZ_TARGET=list "$binary" | cut -f1); fi

# The documents the tests use seed every target: each decoder meets JSON, TOML and PNG bytes.
seeds="$out/seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
cp examples/*.json Tests/ModelTests/Golden/*.json "$seeds/" 2>/dev/null || true
printf 'default_profile = "w"\n[profiles.w]\nbase_url = "http://x"\naccess_key_secret = "s\\t"\n[defaults]\nsteps = 30\ncfg_scale = 7.5\nsize = [512, {a.b = 1979-05-27T07:32:00Z}]\n' > "$seeds/config.toml"

# One target: its run, then (with --keep) the merge of what it found into the repo's corpus.
# Its row of the table and its count go to $out/rows/NAME.
fuzz_target() {
    local target=$1 kept="Fuzz/corpus/$1" work="$out/corpus/$1" findings="$out/findings/$1" log="$out/$1.log" status=0
    mkdir -p "$kept" "$work" "$findings"
    ZQT_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0:malloc_context_size=0 "$binary" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 "$work" "$kept" "$seeds" >"$log" 2>&1 || status=$?
    local runs took corpus result
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    corpus=$(find "$work" -type f | wc -l)
    if [ "$status" -eq 0 ]; then result=ok; else result="FAILED (exit $status; $log, $findings)"; fi
    if $keep && [ "$status" -eq 0 ]; then
        # What the run found interesting, minimized into the repo's corpus (-merge keeps only inputs that add coverage).
        local merged="$out/merged/$target"
        rm -rf "$merged" && mkdir -p "$merged"
        ZQT_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$binary" -merge=1 -max_len=65536 "$merged" "$kept" "$work" >"$out/$target.merge.log" 2>&1
        rm -rf "$kept" && mv "$merged" "$kept"
    fi
    printf '%-10s %12s %8s %8s  %s\n' "$target" "${runs:-0}" "${took:-?}" "$corpus" "$result" >"$out/rows/$target"
    echo "${runs:-0} $status" >"$out/rows/$target.count"
}

rm -rf "$out/rows" && mkdir -p "$out/rows"
printf '%-10s %12s %8s %8s  %s\n' target inputs seconds corpus result
running=()
for target in "${targets[@]}"; do
    while [ "${#running[@]}" -ge "$jobs" ]; do
        wait -n || true
        alive=()
        for pid in "${running[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
        running=("${alive[@]}")
    done
    fuzz_target "$target" &
    running+=("$!")
done
wait || true
total=0
failed=0
for target in "${targets[@]}"; do
    if [ -f "$out/rows/$target" ]; then cat "$out/rows/$target"; else printf '%-10s %12s %8s %8s  %s\n' "$target" 0 ? 0 "FAILED (no result)"; failed=1; continue; fi
    read -r runs status <"$out/rows/$target.count"
    total=$((total + runs))
    [ "$status" -eq 0 ] || failed=1
done
if [ "$total" -gt 0 ]; then
    # Each target's inputs, as target=inputs, for the ledger's last column.
    per_target=$(for target in "${targets[@]}"; do [ -f "$out/rows/$target.count" ] && printf '%s=%s ' "$target" "$(cut -d' ' -f1 "$out/rows/$target.count")"; done)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(git rev-parse --short HEAD 2>/dev/null || echo -)" \
        "$seconds" "$jobs" "${#targets[@]}" "$total" "$( [ $failed -eq 0 ] && echo '0 crashes, 0 timeouts' || echo 'findings')" "${per_target% }" >>"$ledger"
fi
echo "total: $total inputs over ${#targets[@]} targets, $jobs at a time, ${seconds} s each: $( [ $failed -eq 0 ] && echo '0 crashes, 0 timeouts' || echo 'FAILURES above')"
exit $failed
