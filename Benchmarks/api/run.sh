#!/usr/bin/env bash
# The decisions-API benchmark: for each size N, a server is loaded with targets.sh's
# N targets and measured by measure.sh (wrk over mix.lua, startup stream, idle delta,
# memory); the rows are printed as one table, then Warden's ratios to the others. Servers:
#   --warden     `warden run` (release build, SQLite backend), fresh for each size
#                (warden-lapi.sh), loaded with `warden-bench import`; plus one row of its
#                constant `GET /health` under the same wrk load (the same server stack's best)
#   --reference  CrowdSec 1.4.6's LAPI, fresh for each size (Tests/clients/reference-lapi.sh),
#                loaded with `cscli decisions import`
#   --env        the server described by the environment, loaded with $BAN_IMPORT
#                (one size only: loading twice would add up)
#   --nginx      nginx answering a constant `null` from memory with the same wrk load:
#                what this machine's HTTP stack and wrk can do at best
# Everything listens on 127.0.0.1 only and is stopped by pid when the run ends.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/api/run.sh [--sizes N,...] [--1m] [--warden] [--reference] [--env] [--nginx] [--out FILE]

  --sizes N,...  decisions to load (default 10000,100000); a tenth of them are /24 ranges
  --1m           also measure 1000000 decisions (minutes of loading per server)
  --warden       measure `warden run` (builds it first: release, static Swift runtime),
                 and its GET /health as a constant-body row ("warden-health")
  --reference    measure CrowdSec 1.4.6's LAPI
  --env          measure the server in LAPI_URL, LAPI_KEY, LAPI_PID (its pids), loaded
                 by `$BAN_IMPORT FILE DURATION` (FILE: one target a line); the row is
                 named $SERVER_NAME (default "env")
  --nginx        add the constant-`null` nginx row
  --out FILE     also write the tables to FILE
With no server named: --warden --reference --nginx. Needs what Tests/clients/install.sh
installs. Takes about 20 s per row plus loading. The ratios compare Warden with the
CrowdSec and nginx rows of the same run (and of the same N).
TEXT
}
here="$(cd "$(dirname "$0")" && pwd)"
sizes=10000,100000
servers=()
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --1m) sizes="$sizes,1000000"; shift ;;
        --warden) servers+=(warden); shift ;;
        --reference) servers+=(reference); shift ;;
        --env) servers+=(env); shift ;;
        --nginx) servers+=(nginx); shift ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option '$1'; see --help" >&2; exit 64 ;;
    esac
done
[ ${#servers[@]} -gt 0 ] || servers=(warden reference nginx)
IFS=, read -r -a size_list <<<"$sizes"
reference="$here/../../Tests/clients/reference-lapi.sh"
tmp="$(mktemp -d /tmp/wch-bench.XXXXXX)"
refdir=""
wardendir=""
nginx_pid=""
cleanup() {
    [ -z "$refdir" ] || bash "$reference" down "$refdir"
    [ -z "$wardendir" ] || bash "$here/warden-lapi.sh" down "$wardendir"
    if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rows="$tmp/rows.tsv"
: >"$rows"
# load N: loads the targets with $BAN_IMPORT and prints the seconds it took.
load() {
    "$here/targets.sh" "$1" >"$tmp/targets.txt"
    local start=$EPOCHREALTIME
    $BAN_IMPORT "$tmp/targets.txt" 24h
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# memory_mb PIDS: VmRSS summed over PIDS, in MB (the server before loading).
memory_mb() {
    local pid total=0
    for pid in $1; do total=$((total + $(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status"))); done
    awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }'
}

# Every row is measure.sh's row plus the server's RSS before loading (- for a constant).
measure_warden() {
    local n="$1" seconds largest="$2"
    wardendir="$tmp/warden-$n"
    WARDEN_BIN="$warden_bin" bash "$here/warden-lapi.sh" up "$wardendir"
    (
        . "$wardendir/env"
        export WARDEN_BIN="$warden_bin"
        rss0="$(memory_mb "$LAPI_PID")"
        echo "warden N=$n: loading..." >&2
        seconds="$(load "$n")"
        echo "warden N=$n: loaded and served in ${seconds}s, measuring..." >&2
        printf '%s\t%s\n' "$("$here/measure.sh" warden "$n" "$seconds")" "$rss0" >>"$rows"
        if [ "$n" = "$largest" ]; then
            echo "warden-health N=$n: measuring..." >&2
            printf '%s\t-\n' "$(WRK_PATH=/health SPOT_CHECKS=no "$here/measure.sh" warden-health "$n" -)" >>"$rows"
        fi
    )
    bash "$here/warden-lapi.sh" down "$wardendir"
    wardendir=""
}

measure_reference() {
    local n="$1" seconds
    refdir="$tmp/crowdsec-$n"
    bash "$reference" up "$refdir"
    (
        . "$refdir/env"
        rss0="$(memory_mb "$LAPI_PID")"
        echo "crowdsec-1.4.6 N=$n: loading..." >&2
        seconds="$(load "$n")"
        echo "crowdsec-1.4.6 N=$n: loaded in ${seconds}s, measuring..." >&2
        printf '%s\t%s\n' "$("$here/measure.sh" crowdsec-1.4.6 "$n" "$seconds")" "$rss0" >>"$rows"
    )
    bash "$reference" down "$refdir"
    refdir=""
}

measure_env() {
    local n="$1" seconds v
    for v in LAPI_URL LAPI_KEY LAPI_PID BAN_IMPORT; do
        [ -n "${!v:-}" ] || { echo "run.sh --env: $v is not set; export it (see --help)" >&2; exit 64; }
    done
    rss0="$(memory_mb "$LAPI_PID")"
    echo "${SERVER_NAME:-env} N=$n: loading..." >&2
    seconds="$(load "$n")"
    echo "${SERVER_NAME:-env} N=$n: loaded in ${seconds}s, measuring..." >&2
    printf '%s\t%s\n' "$("$here/measure.sh" "${SERVER_NAME:-env}" "$n" "$seconds")" "$rss0" >>"$rows"
}

measure_nginx() {
    local n="$1" port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    mkdir -p "$tmp/nginx"
    # Every temp path in the scratch folder: nothing under /var/lib/nginx or /var/log.
    cat >"$tmp/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$port;
        location / {
            default_type "application/json; charset=utf-8";
            return 200 'null';
        }
    }
}
CONF
    nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
    nginx_pid=$!
    for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
    echo "nginx-null: measuring..." >&2
    printf '%s\t-\n' "$(LAPI_URL="http://127.0.0.1:$port" LAPI_KEY=none SPOT_CHECKS=no \
        LAPI_PID="$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')" \
        "$here/measure.sh" nginx-null "$n" -)" >>"$rows"
    kill "$nginx_pid"
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
}

largest="$(printf '%s\n' "${size_list[@]}" | sort -n | tail -1)"
for server in "${servers[@]}"; do
    case "$server" in
        warden)
            echo "building warden (release)..." >&2
            warden_bin="$(bash "$here/build-warden.sh")"
            for n in "${size_list[@]}"; do measure_warden "$n" "$largest"; done ;;
        reference) for n in "${size_list[@]}"; do measure_reference "$n"; done ;;
        env)
            [ ${#size_list[@]} -eq 1 ] || { echo "run.sh --env: give one size (--sizes N): a second load would add to the first" >&2; exit 64; }
            measure_env "${size_list[0]}" ;;
        # The constant answer does not depend on N: one row, with the largest N's addresses.
        nginx) measure_nginx "$largest" ;;
    esac
done

{
    echo "# decisions API, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores; wrk -t2 -c64 -d10s over GET /v1/decisions?ip= (2/3 hits, 1/3 misses)"
    echo "# load1: the machine's 1-minute load average just before wrk; RSS0_MB: the server's RSS before loading"
    {
        printf 'server\tN\tload_s\treq/s\tavg_ms\tp50_ms\tp99_ms\thits%%\tnon200\ttimeouts\tstartup_s\tstartup_MB\tdelta_ms\tRSS_MB\tHWM_MB\tchecks\tload1\tRSS0_MB\n'
        cat "$rows"
    } | column -t -s $'\t'
    if grep -q '^warden	' "$rows"; then
        echo
        bash "$here/ratios.sh" "$rows"
    fi
} | tee ${out:+"$out"}
