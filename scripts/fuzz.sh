#!/usr/bin/env bash
# libFuzzer over every decoder of outside input (Fuzz/DecodersFuzzTarget.swift
# compiled with the Model sources, address sanitizer on), seeded with the
# documents the tests use. Prints libFuzzer's summary: inputs tried, and any
# crash or timeout with the input that caused it (in .build-fuzz/). Leak
# reports are off: Swift's runtime keeps its type caches for the process.
#   scripts/fuzz.sh [SECONDS]     (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/corpus"
# The curl shim is C: compiled on its own, its header found through a module map made here.
mkdir -p "$out/ccurl"
printf 'module CCurlShim {\n    header "%s/Sources/CCurlShim/include/CCurlShim.h"\n    export *\n}\n' "$PWD" > "$out/ccurl/module.modulemap"
clang -c -O1 -fsanitize=fuzzer-no-link,address Sources/CCurlShim/shim.c -I Sources/CCurlShim/include -o "$out/ccurl/shim.o"
# The config file's TOML reader (toml++, C++) likewise.
mkdir -p "$out/ctoml"
printf 'module CTOML {\n    header "%s/Sources/CTOML/include/CTOML.h"\n    export *\n}\n' "$PWD" > "$out/ctoml/module.modulemap"
clang++ -std=c++17 -c -O1 -fsanitize=fuzzer-no-link,address Sources/CTOML/toml_to_json.cpp -I Sources/CTOML/include -o "$out/ctoml/toml_to_json.o"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Model -D ZQT_FUZZ \
    -I Sources/CSQLite -I Sources/CSystem -I "$out/ccurl" -I "$out/ctoml" -lsqlite3 -ldl -lstdc++ "$out/ccurl/shim.o" "$out/ctoml/toml_to_json.o" \
    $(find Sources/Model -name '*.swift') Tests/ModelTests/DecoderExercise.swift Fuzz/DecodersFuzzTarget.swift -o "$out/fuzz-decoders"
cp examples/*.json "$out/corpus/" 2>/dev/null || true
cp Tests/ModelTests/Golden/*.json "$out/corpus/" 2>/dev/null || true
printf 'default_profile = "w"\n[profiles.w]\nbase_url = "http://x"\naccess_key_secret = "s\\t"\n[defaults]\nsteps = 30\ncfg_scale = 7.5\nsize = [512, {a.b = 1979-05-27T07:32:00Z}]\n' > "$out/corpus/config.toml"
cd "$out" && rm -f crash-* leak-* && ASAN_OPTIONS=detect_leaks=0 ./fuzz-decoders -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 corpus 2>&1 | tail -12
