#!/usr/bin/env bash
# Before/after benchmark of two sets of Warden release products, in ONE run, A/B interleaved.
#
#   compare.sh BASE_BIN_DIR NEW_BIN_DIR [OUT]
#
# Each BIN_DIR holds warden, warden-daemon, warden-bench and libwarden-backend-sqlite.so
# (release, built as Benchmarks/api/build-warden.sh builds them; see build-base.sh).
#
# (a) `warden ban add ip <addr> 4h bench` as a whole process on the SQLite backend, the way
#     warden-bench's processFigures (Benchmarks/run.sh) times it: posix_spawn, stdout to
#     /dev/null, monotonic clock around spawn+wait, config `plugin: backend: ./backends` with
#     one sqlite.yaml (db_path). Each binary set gets a fresh config folder and database;
#     base and new alternate (A,B then B,A ...), and the raw C program (Benchmarks/raw/
#     raw_sqlite.c, `raw_sqlite DB single IP`, built with run.sh's gcc flags) follows each
#     pair on its own fresh database. Medians of PROCESSES each.
# (b) the decisions API, as Benchmarks/api/run.sh --warden does it: per set, warden-lapi.sh up
#     (warden-daemon, SQLite), loaded with targets.sh's API_N targets through $BAN_IMPORT
#     (warden-bench import); both servers stay up, and measure.sh (spot checks, wrk -t2 -c64
#     over mix.lua, stream startup median of 3, idle delta median of 20, RSS) runs against
#     them alternately, API_ROUNDS rounds (order swapped every round). wrk's duration is
#     WRK_SECONDS (measure.sh's -d10s is rewritten by a wrk shim on PATH; nothing else changes).
#
# Environment (defaults): PROCESSES=100 WARMUP=3 API_N=10000 API_ROUNDS=3 WRK_SECONDS=5
#   BENCH=<this checkout>/Benchmarks (the benchmark scripts used for both sides)
#   PARTS="cli api" (which parts to run)
# Ratios: after/before is NEW/BASE; for times (ms, p99, startup) below 1 is better, for
# req/s above 1 is better.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,27p' "$0" >&2; exit 64; }
base_bin="$(cd "$1" && pwd)"
new_bin="$(cd "$2" && pwd)"
out="${3:-}"
PROCESSES="${PROCESSES:-100}"
WARMUP="${WARMUP:-3}"
API_N="${API_N:-10000}"
API_ROUNDS="${API_ROUNDS:-3}"
WRK_SECONDS="${WRK_SECONDS:-5}"
BENCH="${BENCH:-$(cd "$(dirname "$0")/.." && pwd)}"
PARTS="${PARTS:-cli api}"
here="$(cd "$(dirname "$0")" && pwd)"

for dir in "$base_bin" "$new_bin"; do
    for f in warden warden-daemon warden-bench libwarden-backend-sqlite.so; do
        [ -e "$dir/$f" ] || { echo "compare.sh: $dir/$f is missing" >&2; exit 66; }
    done
done
for tool in wrk curl gcc python3 column; do
    command -v "$tool" >/dev/null || { echo "compare.sh: $tool is missing (Tests/clients/install.sh installs it)" >&2; exit 69; }
done

# warden-lapi.sh asks `swift build --show-bin-path` without WARDEN_BIN (e.g. for `down`).
export WARDEN_BIN="$base_bin"
work="$(mktemp -d /tmp/warden-compare.XXXXXX)"
api_dirs=()
cleanup() {
    local d
    for d in "${api_dirs[@]}"; do bash "$BENCH/api/warden-lapi.sh" down "$d" || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
report="$work/report.txt"
: >"$report"
say() { printf '%s\n' "$*" | tee -a "$report"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.3f", a / b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

say "# compare.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(uname -m), SQLite $(pkg-config --modversion sqlite3 2>/dev/null || echo '?')"
say "# base (before): $base_bin"
say "# new  (after):  $new_bin"
say "# scripts: $BENCH; load1 at start: $(cut -d' ' -f1 /proc/loadavg)"

# ---------------------------------------------------------------- (a) warden ban add
if [[ " $PARTS " == *" cli "* ]]; then
    gcc -O2 -Wall -Wextra -Werror -o "$work/raw_sqlite" "$BENCH/raw/raw_sqlite.c" -lsqlite3
    gcc -O2 -Wall -Wextra -Werror -o "$work/spawn_alt" "$here/spawn_alt.c"
    # The config warden-bench's processFigures writes, one folder (and database) per set.
    for side in base new; do
        bin="$base_bin"; [ "$side" = new ] && bin="$new_bin"
        mkdir -p "$work/cli-$side/backends"
        printf 'plugin:\n  backend: ./backends\n' >"$work/cli-$side/config.yaml"
        printf 'name: sqlite\npath: %s\nconfig:\n  db_path: %s\n' "$bin/libwarden-backend-sqlite.so" \
            "$work/cli-$side/warden.db" >"$work/cli-$side/backends/sqlite.yaml"
    done
    echo "cli: timing $PROCESSES x (base, new, raw C) warden ban add processes (+$WARMUP warm-up)..." >&2
    "$work/spawn_alt" "$PROCESSES" "$WARMUP" \
        base "$base_bin/warden" -c "$work/cli-base/config.yaml" ban add ip '{ip}' 4h bench -- \
        new "$new_bin/warden" -c "$work/cli-new/config.yaml" ban add ip '{ip}' 4h bench -- \
        raw "$work/raw_sqlite" "$work/raw.db" single '{ip}' >"$work/cli.txt"
    # Rows in each set's `bans` table: WARMUP + PROCESSES when every process stored its ban.
    for side in base new; do
        rows="$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from bans").fetchone()[0])' \
            "$work/cli-$side/warden.db" 2>/dev/null || echo '?')"
        echo "$side" "$rows" >>"$work/cli-rows.txt"
    done
    read -r _ b_med b_p90 b_mean b_min _ < <(grep '^base ' "$work/cli.txt")
    read -r _ n_med n_p90 n_mean n_min _ < <(grep '^new ' "$work/cli.txt")
    read -r _ r_med r_p90 r_mean r_min _ < <(grep '^raw ' "$work/cli.txt")
    say ""
    say "## (a) warden ban add ip <addr> 4h bench, whole process, SQLite, $PROCESSES each interleaved (ms)"
    {
        printf 'binary\tmedian_ms\tp90_ms\tmean_ms\tmin_ms\trows_in_db\n'
        printf 'base\t%s\t%s\t%s\t%s\t%s\n' "$b_med" "$b_p90" "$b_mean" "$b_min" "$(awk '$1 == "base" { print $2 }' "$work/cli-rows.txt")"
        printf 'new\t%s\t%s\t%s\t%s\t%s\n' "$n_med" "$n_p90" "$n_mean" "$n_min" "$(awk '$1 == "new" { print $2 }' "$work/cli-rows.txt")"
        printf 'raw C\t%s\t%s\t%s\t%s\t-\n' "$r_med" "$r_p90" "$r_mean" "$r_min"
    } | column -t -s $'\t' | tee -a "$report"
    say ""
    say "RATIO ban_add median  before/raw = $(ratio "$b_med" "$r_med")   after/raw = $(ratio "$n_med" "$r_med")   after/before = $(ratio "$n_med" "$b_med")   (target /raw <= 2.0; after/before < 1 is faster)"
    say "RATIO ban_add p90     before/raw = $(ratio "$b_p90" "$r_p90")   after/raw = $(ratio "$n_p90" "$r_p90")   after/before = $(ratio "$n_p90" "$b_p90")"
fi

# ---------------------------------------------------------------- (b) decisions API
if [[ " $PARTS " == *" api "* ]]; then
    # measure.sh runs `wrk ... -d10s ...`: a shim earlier on PATH changes only the duration.
    real_wrk="$(command -v wrk)"
    mkdir -p "$work/shim"
    cat >"$work/shim/wrk" <<SHIM
#!/usr/bin/env bash
args=()
for a in "\$@"; do [ "\$a" = -d10s ] && a=-d${WRK_SECONDS}s; args+=("\$a"); done
exec "$real_wrk" "\${args[@]}"
SHIM
    chmod +x "$work/shim/wrk"
    "$BENCH/api/targets.sh" "$API_N" >"$work/targets.txt"
    for side in base new; do
        bin="$base_bin"; [ "$side" = new ] && bin="$new_bin"
        dir="$work/api-$side"
        echo "api: starting $side warden-daemon and loading $API_N decisions..." >&2
        WARDEN_BIN="$bin" bash "$BENCH/api/warden-lapi.sh" up "$dir"
        api_dirs+=("$dir")
        # run.sh's load(): $BAN_IMPORT FILE 24h, timed until the daemon serves them all.
        start=$EPOCHREALTIME
        ( . "$dir/env"; export WARDEN_BIN="$bin"; $BAN_IMPORT "$work/targets.txt" 24h )
        awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }' >"$work/load-$side"
    done
    rows="$work/api-rows.tsv"
    : >"$rows"
    for round in $(seq "$API_ROUNDS"); do
        order="base new"; [ $((round % 2)) -eq 0 ] && order="new base"
        for side in $order; do
            echo "api: round $round/$API_ROUNDS, $side: wrk ${WRK_SECONDS}s + stream..." >&2
            ( . "$work/api-$side/env"; PATH="$work/shim:$PATH" \
                "$BENCH/api/measure.sh" "$side" "$API_N" "$(cat "$work/load-$side")" ) | \
                awk -v r="$round" -F'\t' 'BEGIN { OFS = "\t" } { print $0, r }' >>"$rows"
        done
    done
    say ""
    say "## (b) decisions API, N=$API_N, $API_ROUNDS rounds alternating, wrk -t2 -c64 -d${WRK_SECONDS}s over mix.lua (GET /v1/decisions?ip=)"
    {
        printf 'server\tN\tload_s\treq/s\tavg_ms\tp50_ms\tp99_ms\thits%%\tnon200\ttimeouts\tstartup_s\tstartup_MB\tdelta_ms\tRSS_MB\tHWM_MB\tchecks\tload1\tround\n'
        cat "$rows"
    } | column -t -s $'\t' | tee -a "$report"
    col() { awk -F'\t' -v s="$1" -v c="$2" '$1 == s { print $c }' "$rows" | median; }
    for side in base new; do
        declare "rps_$side=$(col "$side" 4)" "p99_$side=$(col "$side" 7)" "p50_$side=$(col "$side" 6)" \
            "start_$side=$(col "$side" 11)" "delta_$side=$(col "$side" 13)" "rss_$side=$(col "$side" 14)"
    done
    say ""
    {
        printf 'median over rounds\treq/s\tp50_ms\tp99_ms\tstartup_s\tdelta_ms\tRSS_MB\tload_s\n'
        printf 'base (before)\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rps_base" "$p50_base" "$p99_base" "$start_base" "$delta_base" "$rss_base" "$(cat "$work/load-base")"
        printf 'new (after)\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rps_new" "$p50_new" "$p99_new" "$start_new" "$delta_new" "$rss_new" "$(cat "$work/load-new")"
        printf 'after/before\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(ratio "$rps_new" "$rps_base")" "$(ratio "$p50_new" "$p50_base")" \
            "$(ratio "$p99_new" "$p99_base")" "$(ratio "$start_new" "$start_base")" "$(ratio "$delta_new" "$delta_base")" \
            "$(ratio "$rss_new" "$rss_base")" "$(ratio "$(cat "$work/load-new")" "$(cat "$work/load-base")")"
    } | column -t -s $'\t' | tee -a "$report"
    say ""
    say "RATIO api req/s      after/before = $(ratio "$rps_new" "$rps_base")   (> 1: after serves more)"
    say "RATIO api p99        after/before = $(ratio "$p99_new" "$p99_base")   (< 1: after is faster)"
    say "RATIO api startup    after/before = $(ratio "$start_new" "$start_base")   (stream?startup=true time; < 1: faster)"
    if awk -F'\t' '$16 != "ok" || $9 != 0 { bad = 1 } END { exit !bad }' "$rows"; then
        say "WARNING: a spot check failed or wrk saw non-200 answers (see the checks/non200 columns)"
    fi
fi

if [ -n "$out" ]; then cp "$report" "$out"; echo "report written to $out" >&2; fi
