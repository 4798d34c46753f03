#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer + AddressSanitizer) and runs each one: first every
# input of Fuzz/regressions/<target>/ once, then fuzzing from Fuzz/corpus/<target>/.
#
#   Fuzz/run.sh --smoke               CI: 15 s a target
#   Fuzz/run.sh --seconds 600         longer runs
#   Fuzz/run.sh --seconds 60 expr     some targets only
#   Fuzz/run.sh --replay              the regressions only, no fuzzing
#
# One line a target (executions, coverage, crashes), then "N passed, N failed"; exits
# non-zero when a target crashed or a regression input crashes again. A crash's input is
# kept in $FUZZ_SCRATCH/artifacts/<target>/ (printed); to keep it as a regression, copy it
# to Fuzz/regressions/<target>/.
#
# Environment: FUZZ_SCRATCH (default Fuzz/.build), the build's scratch path, which also
# holds the corpus each run grows (so longer runs go on where the last one stopped).
# Needs Swift 6.1+ on PATH (or in /opt/swift/usr/bin); on Debian or Ubuntu run as root,
# it installs the system libraries the build needs (libyaml-dev, pkg-config) with apt.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
seconds=15
replay_only=no
build=yes
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) seconds=15 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift ;;
        --replay) replay_only=yes ;;
        --no-build) build=no ;;
        -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("fuzz-${1#fuzz-}") ;;
    esac
    shift
done
if [ ${#targets[@]} -eq 0 ]; then
    for dir in "$here"/Sources/fuzz-*; do targets+=("$(basename "$dir")"); done
fi

scratch=${FUZZ_SCRATCH:-$here/.build}
export PATH="$PATH:/opt/swift/usr/bin"
command -v swift >/dev/null || { echo "run.sh: swift is not on PATH (nor in /opt/swift/usr/bin)" >&2; exit 2; }

# System libraries: libyaml for WardenConfig (found with pkg-config).
missing=()
for package in libyaml-dev pkg-config; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "run.sh: installing ${missing[*]}"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null \
            || { echo "run.sh: apt-get could not install ${missing[*]}" >&2; exit 2; }
    else
        echo "run.sh: needs ${missing[*]} (apt-get install ${missing[*]})" >&2
        exit 2
    fi
fi

if [ "$build" = yes ]; then
    echo "run.sh: building the fuzz targets in $scratch"
    start=$(date +%s)
    log=$(mktemp)
    if ! (cd "$here" && swift build -c debug --scratch-path "$scratch" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library) >"$log" 2>&1; then
        grep -v "ld.gold: warning: Cannot export local symbol" "$log" | tail -40
        rm -f "$log"
        echo "run.sh: the build failed"
        exit 2
    fi
    rm -f "$log"
    echo "run.sh: built in $(($(date +%s) - start)) s"
fi
bin="$scratch/debug"

# libFuzzer reports crashes itself: Swift's backtracer would only delay it; LeakSanitizer
# needs ptrace, which containers often refuse, and a parser's leak is not a crash.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0:symbolize=1}
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}

# Runs a target and removes its scratch file (Sources/FuzzSupport/ScratchFile.swift),
# which a crash or libFuzzer's own exit leaves behind.
run() {
    "$@" &
    local pid=$!
    wait $pid
    local status=$?
    rm -f "/dev/shm/warden-fuzz-$pid" "/tmp/warden-fuzz-$pid"
    return $status
}

passed=0
failed=0
for target in "${targets[@]}"; do
    name=${target#fuzz-}
    if [ ! -x "$bin/$target" ]; then
        echo "$name: FAILED, no binary $bin/$target"
        failed=$((failed + 1))
        continue
    fi
    work="$scratch/fuzz-work"
    mkdir -p "$work/corpus/$name" "$work/artifacts/$name" "$work/logs"
    log="$work/logs/$name.log"
    : >"$log"

    # The regressions: every input once; each must run through.
    regressions=()
    if [ -d "$here/regressions/$name" ]; then
        while IFS= read -r -d '' file; do regressions+=("$file"); done \
            < <(find "$here/regressions/$name" -type f ! -name '*.md' -print0 | sort -z)
    fi
    replayed="no regressions"
    if [ ${#regressions[@]} -gt 0 ]; then
        if run "$bin/$target" -timeout=30 -rss_limit_mb=4096 "${regressions[@]}" >>"$log" 2>&1; then
            replayed="${#regressions[@]} regressions replayed"
        else
            echo "$name: FAILED, a regression input crashes again (log: $log)"
            grep -E "^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Precondition failed|Running: )" "$log" | tail -6 | sed 's/^/    /'
            failed=$((failed + 1))
            continue
        fi
    fi
    if [ "$replay_only" = yes ]; then
        echo "$name: ok, $replayed"
        passed=$((passed + 1))
        continue
    fi

    rm -f "$work/artifacts/$name"/*
    run "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$name/" "$work/corpus/$name" "$here/corpus/$name" >>"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
    crashes=$(find "$work/artifacts/$name" -type f | wc -l)
    figures="${execs:-?} execs (${rate:-?}/s) in $seconds s, ${cov:-cov: ?}, rss ${rss:-?} MB, $crashes crashes, $replayed"
    if [ $status -eq 0 ] && [ "$crashes" -eq 0 ]; then
        echo "$name: ok, $figures"
        passed=$((passed + 1))
    else
        echo "$name: FAILED (exit $status), $figures (log: $log)"
        grep -E "^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Precondition failed|.*Fatal error)" "$log" | head -4 | sed 's/^/    /'
        find "$work/artifacts/$name" -type f | sed 's/^/    input: /'
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
