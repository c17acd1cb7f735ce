#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) with clang-14, ASan and UBSan in their own build
# dir, then runs each for N seconds on the seeds it writes itself (--write-corpus) plus what
# earlier runs found. Prints executions and exec/s per target; a crash leaves its input
# (crash-<sha>) and the log in build-fuzz/fuzz-artifacts/ and makes the script fail.
# Toolchain notes: stack-facts.md, section 9. Reproduce: build-fuzz/fuzz/<target> <crash-file>.
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]   (default 30 s each, every target)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_frame fuzz_keg fuzz_bootkeg fuzz_message)
build=${TAVERN_FUZZ_BUILD_DIR:-build-fuzz}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# Debug keeps Q_ASSERT on; -O1 keeps the harnesses fast. Warnings stay warnings: clang
# sees a few g++ does not, and this build is not the gate.
CXX=${CXX:-clang++-14} cmake -S . -B "$build" -G Ninja -DTAVERN_FUZZ=ON -DTAVERN_WERROR=OFF \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" "${launcher[@]}" >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"

# UBSan findings are crashes too; a fixed hash seed keeps runs comparable. Qt's CBOR and
# containers allocate a lot: a smaller ASan quarantine and malloc context keep the RSS of a
# long run well under the limit, and any single allocation above 256 MB counts as a crash.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 QT_HASH_SEED=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64:malloc_context_size=10}
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
status=0
printf '%-14s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
    seeds="$build/fuzz-corpus/$t-seeds" found="$build/fuzz-corpus/$t" log="$artifacts/$t.log"
    rm -rf "$seeds"
    mkdir -p "$found"
    "$build/fuzz/$t" --write-corpus "$seeds" >/dev/null
    if "$build/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=1536 -malloc_limit_mb=256 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$found" "$seeds" >"$log" 2>&1; then
        result=ok
    else
        result="CRASH: $(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1) (log $log)"
        status=1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    if [ -z "$execs" ]; then # no final stats after a crash: the last status line
        line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
        execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$line")
        rate=$(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' <<<"$line")
    fi
    printf '%-14s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
        "$(find "$found" -type f | wc -l)" "$result"
done
exit "$status"
