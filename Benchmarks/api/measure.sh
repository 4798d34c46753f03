#!/usr/bin/env bash
# Measures one running decisions API that already holds targets.sh's N targets and
# prints one tab-separated row (see --help for the columns). It only reads from the
# server: the loading is the caller's (run.sh), and so is starting and stopping it.
#
# What it measures, in this order:
#   - correctness spot checks (an exact hit, a hit inside a range, a miss), so a
#     fast wrong answer cannot pass for a fast server;
#   - wrk with 2 threads, 64 connections, 10 s over mix.lua (`GET /v1/decisions?ip=`,
#     2/3 hits, 1/3 misses);
#   - `GET /v1/decisions/stream?startup=true`: time and body size, median of 3;
#   - an idle delta (`GET /v1/decisions/stream` with nothing new): median of 20;
#   - the server's memory: VmRSS and VmHWM from /proc/PID/status, summed over PIDs;
#   - the machine's 1-minute load average just before wrk (the machine is shared).
# With WRK_PATH set, wrk asks that one path instead of the mix (a constant-body
# baseline of the same server) and the stream figures are left out ("-").
# wrk, curl and the server share the machine's cores; nothing here asserts a time.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/api/measure.sh NAME N LOAD_SECONDS

Environment: LAPI_URL (base URL), LAPI_KEY (bouncer key), LAPI_PID (pid, or
space-separated pids, of the server's processes), SPOT_CHECKS=no to skip the
correctness checks (for a stand-in that answers a constant), WRK_PATH=/path to
have wrk ask that path only (same wrk settings and script; no stream figures).
NAME labels the row; LOAD_SECONDS (or "-") is copied into it. Prints the row:
  name n load_s req_s lat_avg_ms lat_p50_ms lat_p99_ms hits_pct non200 timeouts
  startup_s startup_mb delta_ms rss_mb hwm_mb checks load1
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -eq 3 ] || { usage >&2; exit 64; }
name="$1" n="$2" load="$3"
: "${LAPI_URL:?measure.sh: LAPI_URL is not set}" "${LAPI_KEY:?measure.sh: LAPI_KEY is not set}" "${LAPI_PID:?measure.sh: LAPI_PID is not set}"
here="$(cd "$(dirname "$0")" && pwd)"
base="${LAPI_URL%/}"
tmp="$(mktemp -d /tmp/wch-measure.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

get() { curl -sS --max-time 60 -H "X-Api-Key: $LAPI_KEY" "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Spot checks: the first target of each kind, and an address never banned.
spot_checks() {
    local miss failures=()
    [[ "$(get "$base/v1/decisions?ip=11.0.0.1")" == *'"value":"11.0.0.1"'* ]] || failures+=(exact-hit)
    [[ "$(get "$base/v1/decisions?ip=60.0.0.77")" == *'"value":"60.0.0.0/24"'* ]] || failures+=(range-hit)
    miss="$(get "$base/v1/decisions?ip=150.0.0.1")"
    [ "$miss" = null ] || [ "$miss" = "[]" ] || failures+=(miss)
    if [ ${#failures[@]} -eq 0 ]; then echo ok; else echo "FAILED:$(IFS=,; echo "${failures[*]}")"; fi
}
checks=skipped
[ "${SPOT_CHECKS:-yes}" = no ] || checks="$(spot_checks)"

load1="$(cut -d' ' -f1 /proc/loadavg)"
wrk -t2 -c64 -d10s --timeout 5s --latency -s "$here/mix.lua" "$base/" -- "$LAPI_KEY" "$n" ${WRK_PATH:+"$WRK_PATH"} \
    >"$tmp/wrk.txt" 2>&1
# wrk writes latencies as 850.12us, 21.3ms or 1.2s: convert to milliseconds.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/[0-9.]+/, "", u); x = v + 0; print (u == "us") ? x / 1000 : (u == "s") ? x * 1000 : (u == "m") ? x * 60000 : x }'; }
rps="$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk.txt")"
avg="$(ms "$(awk '$1 == "Latency" { print $2; exit }' "$tmp/wrk.txt")")"
p50="$(ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.txt")")"
p99="$(ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.txt")")"
read -r hits misses non200 < <(awk '/^mix:/ { print $3, $5, $7 }' "$tmp/wrk.txt")
hits_pct="$(awk -v h="$hits" -v m="$misses" 'BEGIN { printf "%.1f", (h + m) ? 100 * h / (h + m) : 0 }')"
timeouts="$(awk '/Socket errors/ { for (i = 1; i <= NF; i++) if ($i == "timeout") print $(i - 1) + 0 }' "$tmp/wrk.txt")"
timeouts="${timeouts:-0}"

startup_s=- startup_mb=- delta_ms=-
if [ -z "${WRK_PATH:-}" ]; then
    for _ in 1 2 3; do
        get -o /dev/null -w '%{time_total} %{size_download}\n' "$base/v1/decisions/stream?startup=true"
    done >"$tmp/startup.txt"
    startup_s="$(awk '{ printf "%.3f\n", $1 }' "$tmp/startup.txt" | median)"
    startup_mb="$(awk '{ printf "%.2f\n", $2 / 1e6 }' "$tmp/startup.txt" | median)"

    # The startup pull above set this key's last pull: these deltas have nothing new.
    for _ in $(seq 20); do
        get -o /dev/null -w '%{time_total}\n' "$base/v1/decisions/stream"
    done >"$tmp/delta.txt"
    delta_ms="$(awk '{ printf "%.2f\n", $1 * 1000 }' "$tmp/delta.txt" | median)"
fi

memory() {
    local pid total=0
    for pid in $LAPI_PID; do
        total=$((total + $(awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status")))
    done
    awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }'
}
rss="$(memory VmRSS)"
hwm="$(memory VmHWM)"

printf '%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$name" "$n" "$load" "$rps" "$avg" "$p50" "$p99" "$hits_pct" "$non200" "$timeouts" \
    "$startup_s" "$startup_mb" "$delta_ms" "$rss" "$hwm" "$checks" "$load1"
