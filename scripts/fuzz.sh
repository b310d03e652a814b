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
#   scripts/fuzz.sh [SECONDS] [TARGET...]   each target for SECONDS (default 60); every target when none is named
#   scripts/fuzz.sh --keep [SECONDS] [TARGET...]   also merges what libFuzzer found interesting into Fuzz/corpus/NAME
#   scripts/fuzz.sh --list                  the targets and what each reads
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
if [ "${1:-}" = "--keep" ]; then keep=true; shift; fi
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

total=0
failed=0
printf '%-10s %12s %8s %8s  %s\n' target inputs seconds corpus result
for target in "${targets[@]}"; do
    kept="Fuzz/corpus/$target"
    work="$out/corpus/$target"
    findings="$out/findings/$target"
    mkdir -p "$kept" "$work" "$findings"
    log="$out/$target.log"
    status=0
    ZQT_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 "$work" "$kept" "$seeds" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    runs=${runs:-0}
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    corpus=$(find "$work" -type f | wc -l)
    if [ "$status" -eq 0 ]; then result=ok; else result="FAILED (exit $status; $log, $findings)"; failed=1; fi
    printf '%-10s %12s %8s %8s  %s\n' "$target" "$runs" "${took:-?}" "$corpus" "$result"
    total=$((total + runs))
    if $keep && [ "$status" -eq 0 ]; then
        # What the run found interesting, minimized into the repo's corpus (-merge keeps only inputs that add coverage).
        merged="$out/merged/$target" && rm -rf "$merged" && mkdir -p "$merged"
        ZQT_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$binary" -merge=1 -max_len=65536 "$merged" "$kept" "$work" >"$out/$target.merge.log" 2>&1
        rm -rf "$kept" && mv "$merged" "$kept"
    fi
done
echo "total: $total inputs, $( [ $failed -eq 0 ] && echo '0 crashes, 0 timeouts' || echo 'FAILURES above')"
exit $failed
