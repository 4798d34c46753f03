#!/usr/bin/env bash
# The alert-intake benchmark: what a Local API costs its machines (agents and cscli),
# one table row per server:
#   import   `cscli decisions import -i` (1.4.6) of N addresses from a CSV, which cscli
#            sends as ONE `POST /v1/alerts` carrying N decisions; the wall time of the
#            whole command (login, the POST, the answer), then a spot check that the
#            first and last address are served on GET /v1/decisions
#   post     the same request without cscli: one POST /v1/alerts of N other addresses in
#            the body cscli sends (its shape, captured in agent-wire.md), timed from the
#            first byte sent to the answer (curl; the server's own time plus the upload)
#   alerts   one-alert `POST /v1/alerts` (the agent's shape, no decisions, so the
#            profiles decide) from C concurrent connections for S seconds (wrk over
#            intake.lua, 2 threads), each alert from a new address; alerts/s counts
#            the 201 answers with one id, latency is wrk's
# In that order, on a fresh server: the import lands in an empty store (as warden-bench's
# bulk insert of the same N does), the post next to N decisions, the alerts next to 2N.
# With --bench BIN, warden-bench's bulk insert of the same N targets into a new SQLite
# store is measured first, and each row's import and post are given as its multiples.
# Servers:
#   --reference  CrowdSec 1.4.6's LAPI (Tests/clients/reference-lapi.sh), fresh
#   --env        the server described by LAPI_URL, LAPI_KEY, LAPI_PID, MACHINE_ADD (see
#                Tests/clients/README.md); the row is named $SERVER_NAME (default "env")
# Everything listens on 127.0.0.1 only and is stopped by pid when the run ends.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/api/intake.sh [--n N] [--clients C] [--seconds S] [--reference] [--env] [--bench BIN] [--out FILE]

  --n N          decisions in the one import POST (default 100000)
  --clients C    concurrent connections posting alerts (default 4)
  --seconds S    how long they post (default 10)
  --reference    measure CrowdSec 1.4.6's LAPI (started and stopped here)
  --env          measure the server in LAPI_URL, LAPI_KEY, LAPI_PID (its pids) and
                 MACHINE_ADD (`$MACHINE_ADD NAME FILE` writes a machine's credentials);
                 the row is named $SERVER_NAME (default "env")
  --bench BIN    also time `warden-bench import` of the same N targets (BIN: the folder of
                 warden-bench and libwarden-backend-sqlite.so) and give ratios to it
  --out FILE     also write the table to FILE
With no server named: --reference. Needs cscli, wrk, curl, jq (Tests/clients/install.sh).
Nothing asserts a time: the machine is shared, the load average is in the row.
TEXT
}
here="$(cd "$(dirname "$0")" && pwd)"
n=100000
clients=4
wrk_seconds=10
servers=()
out=""
bench_bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --n) n="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --seconds) wrk_seconds="$2"; shift 2 ;;
        --reference) servers+=(reference); shift ;;
        --env) servers+=(env); shift ;;
        --out) out="$2"; shift 2 ;;
        --bench) bench_bin="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "intake.sh: unknown option '$1'; see --help" >&2; exit 64 ;;
    esac
done
[ ${#servers[@]} -gt 0 ] || servers=(reference)
[ "$n" -ge 2 ] 2>/dev/null || { echo "intake.sh: --n must be a number >= 2, got '$n'" >&2; exit 64; }
reference="$here/../../Tests/clients/reference-lapi.sh"
# write_cscli_config DIR: cscli talking HTTP with DIR/credentials.yaml.
# shellcheck source=Tests/clients/agent-lib.sh
. "$here/../../Tests/clients/agent-lib.sh"
tmp="$(mktemp -d /tmp/wch-intake.XXXXXX)"
refdir=""
cleanup() {
    [ -z "$refdir" ] || bash "$reference" down "$refdir"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# N addresses counted up from 11.0.0.0, as a cscli CSV (the value column only: every
# decision gets --duration and --reason, and cscli gives them all scope Ip).
{
    echo value
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) { a = 11 * 16777216 + i
        printf "%d.%d.%d.%d\n", int(a / 16777216) % 256, int(a / 65536) % 256, int(a / 256) % 256, a % 256 } }'
} >"$tmp/import.csv"
first="$(sed -n 2p "$tmp/import.csv")"
last="$(tail -n 1 "$tmp/import.csv")"

# The post's body: what cscli 1.4.6 sends for an import (one alert, every decision with
# origin cscli-import and scope Ip), for N addresses counted up from 12.0.0.0.
awk -v n="$n" 'BEGIN {
    printf "[{\"capacity\":0,\"created_at\":\"2026-11-24T00:00:00Z\",\"decisions\":["
    for (i = 0; i < n; i++) { a = 12 * 16777216 + i
        printf "%s{\"duration\":\"24h\",\"origin\":\"cscli-import\",\"scenario\":\"bench\",\"scope\":\"Ip\",\"simulated\":false,\"type\":\"ban\",\"value\":\"%d.%d.%d.%d\"}",
            (i ? "," : ""), int(a / 16777216) % 256, int(a / 65536) % 256, int(a / 256) % 256, a % 256 }
    printf "],\"events\":[],\"events_count\":%d,\"labels\":null,\"leakspeed\":\"\",\"message\":\"\",\"scenario\":\"add: %d IPs\",", n, n
    printf "\"scenario_hash\":\"\",\"scenario_version\":\"\",\"simulated\":false,\"source\":{\"scope\":\"cscli/manual-import\",\"value\":\"\"},"
    printf "\"start_at\":\"2026-11-24T00:00:00Z\",\"stop_at\":\"2026-11-24T00:00:00Z\"}]"
}' >"$tmp/post.json"

# warden-bench's bulk insert of the import's N targets into a new SQLite store.
bench_s=""
if [ -n "$bench_bin" ]; then
    mkdir -p "$tmp/bench/backends"
    printf 'plugin:\n  backend: ./backends\n' >"$tmp/bench/config.yaml"
    printf 'name: sqlite\npath: %s\nconfig:\n  db_path: %s\n' "$bench_bin/libwarden-backend-sqlite.so" "$tmp/bench/warden.db" \
        >"$tmp/bench/backends/sqlite.yaml"
    tail -n +2 "$tmp/import.csv" >"$tmp/bench/targets"
    echo "warden-bench: importing $n targets..." >&2
    start=$EPOCHREALTIME
    "$bench_bin/warden-bench" import -c "$tmp/bench/config.yaml" "$tmp/bench/targets" 24h >/dev/null 2>&1
    bench_s="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')"
fi

# wrk writes latencies and durations as 850.12us, 21.3ms, 1.2s or 10.02s: milliseconds.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/[0-9.]+/, "", u); x = v + 0; print (u == "us") ? x / 1000 : (u == "s") ? x * 1000 : (u == "m") ? x * 60000 : x }'; }

rows="$tmp/rows.tsv"
: >"$rows"

# measure NAME: one row for the server in the environment (LAPI_URL, LAPI_KEY, LAPI_PID,
# MACHINE_ADD), with a machine of its own.
measure() {
    local name="$1" dir="$tmp/$1" start import_s checks token
    mkdir -p "$dir"
    $MACHINE_ADD "bench-intake-$$" "$dir/credentials.yaml"
    write_cscli_config "$dir"

    echo "$name: importing $n decisions in one POST..." >&2
    start=$EPOCHREALTIME
    cscli -c "$dir/cscli.yaml" --error decisions import -i "$tmp/import.csv" --duration 24h --reason bench
    import_s="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')"
    checks=ok
    for ip in "$first" "$last"; do
        [[ "$(curl -sS --max-time 60 -H "X-Api-Key: $LAPI_KEY" "${LAPI_URL%/}/v1/decisions?ip=$ip")" == *"\"value\":\"$ip\""* ]] ||
            checks="FAILED:$ip"
    done

    token="$(curl -sS --max-time 30 -A warden-bench/1 -H 'Content-Type: application/json' \
        -d "$(jq -nc --arg m "$(sed -n 's/^login: *//p' "$dir/credentials.yaml")" \
            --arg p "$(sed -n 's/^password: *//p' "$dir/credentials.yaml")" \
            '{machine_id: $m, password: $p, scenarios: ["crowdsecurity/ssh-bf"]}')" \
        "${LAPI_URL%/}/v1/watchers/login" | jq -r '.token // empty')"
    [ -n "$token" ] || { echo "intake.sh: $name: the machine's login got no token" >&2; exit 1; }

    echo "$name: posting $n decisions in cscli's body..." >&2
    local post_s post_status
    # No "Expect: 100-continue": curl would wait a second for a 100 that Go's clients never ask for.
    read -r post_status post_s < <(curl -sS --max-time 300 -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Expect:' \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data-binary @"$tmp/post.json" \
        "${LAPI_URL%/}/v1/alerts")
    [ "$post_status" = 201 ] || post_s="FAILED:$post_status"

    echo "$name: posting one-alert batches from $clients connections for ${wrk_seconds}s..." >&2
    local load1
    load1="$(cut -d' ' -f1 /proc/loadavg)"
    wrk -t2 -c"$clients" -d"${wrk_seconds}s" --timeout 10s --latency -s "$here/intake.lua" "${LAPI_URL%/}/" -- "$token" \
        >"$dir/wrk.txt" 2>&1
    local accepted rejected duration avg p50 p99 rss pid
    read -r accepted rejected < <(awk '/^intake:/ { print $3, $5 }' "$dir/wrk.txt")
    duration="$(awk '/requests in/ { for (i = 1; i <= NF; i++) if ($i == "in") { v = $(i + 1); sub(/,$/, "", v); print v } }' "$dir/wrk.txt")"
    avg="$(ms "$(awk '$1 == "Latency" { print $2; exit }' "$dir/wrk.txt")")"
    p50="$(ms "$(awk '$1 == "50%" { print $2 }' "$dir/wrk.txt")")"
    p99="$(ms "$(awk '$1 == "99%" { print $2 }' "$dir/wrk.txt")")"
    rss=0
    for pid in $LAPI_PID; do rss=$((rss + $(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status"))); done
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%.1f\n' \
        "$name" "$n" "$import_s" "$checks" "$(awk -v v="$post_s" 'BEGIN { printf (v ~ /^[0-9.]+$/) ? "%.2f" : "%s", v }')" "$clients" \
        "$(awk -v a="$accepted" -v d="$(ms "$duration")" 'BEGIN { print (d > 0) ? a / (d / 1000) : 0 }')" \
        "$avg" "$p50" "$p99" "$rejected" "$load1" "$(awk -v kb="$rss" 'BEGIN { print kb / 1024 }')" >>"$rows"
}

for server in "${servers[@]}"; do
    case "$server" in
        reference)
            refdir="$tmp/crowdsec"
            bash "$reference" up "$refdir"
            # A subshell: the reference's env must not leak into the next server.
            ( . "$refdir/env"; measure crowdsec-1.4.6 )
            bash "$reference" down "$refdir"
            refdir="" ;;
        env)
            for v in LAPI_URL LAPI_KEY LAPI_PID MACHINE_ADD; do
                [ -n "${!v:-}" ] || { echo "intake.sh --env: $v is not set; export it (see --help)" >&2; exit 64; }
            done
            measure "${SERVER_NAME:-env}" ;;
    esac
done

{
    echo "# alert intake, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores; import: cscli decisions import of N addresses (one POST);"
    echo "# alerts: wrk -t2 -c$clients -d${wrk_seconds}s of one-alert POST /v1/alerts (agent shape, profiles decide); load1 before wrk; RSS_MB after"
    {
        printf 'server\tN\timport_s\tchecks\tpost_s\tclients\talerts/s\tavg_ms\tp50_ms\tp99_ms\trejected\tload1\tRSS_MB\n'
        cat "$rows"
    } | column -t -s $'\t'
    if [ -n "$bench_s" ]; then
        echo "# warden-bench import of the same $n targets (new SQLite store): ${bench_s} s; as multiples of it:"
        awk -F'\t' -v b="$bench_s" '{ printf "#   %s: import %.2fx, post %sx\n", $1, $3 / b, ($5 ~ /^[0-9.]+$/) ? sprintf("%.2f", $5 / b) : $5 }' "$rows"
    fi
} | tee ${out:+"$out"}
