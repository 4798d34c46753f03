#!/usr/bin/env bash
# The notification benchmark: what notifying costs a Local API and how fast alerts get
# out, through Debian's `http` plugin (the same binary for both servers) to a local
# webhook (receiver.py), with the same notification file (format '{{.|toJson}}', so
# each request is one batch: a JSON array of alerts; max_retry 1, timeout D + 30 s so
# no call is cut short). One row per server and case, each case on a fresh server:
#   intake       no notification at all: one-alert `POST /v1/alerts` (the agent's shape,
#                no decisions, the default profile bans) from C connections for S
#                seconds, as fast as they go (wrk over Benchmarks/api/intake.lua);
#                alerts/s counts 201s with one id; rejected: other answers; timeouts:
#                requests unanswered after 10 s
#   slow-Ds      the same while the plugin is inside a D-second call: the receiver
#                answers after D seconds, and one alert is posted and its request seen
#                before wrk starts (S < D, so the plugin stays busy throughout);
#                requests: plugin calls that reached the receiver meanwhile
#   unbatched    the same full-speed load with the notification's default pacing (no
#                group_wait nor group_threshold: what is pending goes out once a
#                second), then a wait until the receiver holds every alert the server
#                stored (its decisions count them) or nothing arrived for 10 s:
#                delivered, lost (stored - delivered), requests, body MB, lag (end of
#                posting to the last delivery; 0 when none came after it), wall (first
#                POST to the end of posting plus lag), delivered/s = delivered / wall
#   unbatched@R  the same with each connection pausing so that all post at most R alerts
#                a second (paced.lua), a rate both servers sustain
#   batched@R    the same with group_wait 5s and group_threshold 500
# Servers:
#   --warden     `warden run` (Benchmarks/api/warden-lapi.sh, binaries in WARDEN_BIN)
#   --reference  CrowdSec 1.4.6's LAPI (Tests/clients/reference-lapi.sh)
# Everything listens on 127.0.0.1 only and is stopped by pid when its case ends.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/notify/notify.sh [--seconds S] [--clients C] [--delay D] [--rate R] [--warden] [--reference] [--out FILE]

  --seconds S    how long each case posts alerts (default 10)
  --clients C    concurrent connections posting (default 4)
  --delay D      the slow receiver's answer time, whole seconds above S (default 30)
  --rate R       the paced cases' ceiling, alerts a second (default 500)
  --warden       measure `warden run` (WARDEN_BIN: the folder of warden, warden-daemon,
                 libwarden-backend-sqlite.so; default: the release build)
  --reference    measure CrowdSec 1.4.6's LAPI
  --out FILE     also write the table to FILE
With no server named: both, Warden first. Needs cscli, crowdsec, wrk, curl, jq, python3
and Debian's crowdsec plugins (Tests/clients/install.sh). Run as root (the plugins run
as nobody). Nothing asserts a time: the machine is shared, the load average is in the row.
TEXT
}
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
wrk_seconds=10
clients=4
delay=30
rate_cap=500
servers=()
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) wrk_seconds="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --delay) delay="$2"; shift 2 ;;
        --rate) rate_cap="$2"; shift 2 ;;
        --warden) servers+=(warden); shift ;;
        --reference) servers+=(reference); shift ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "notify.sh: unknown option '$1'; see --help" >&2; exit 64 ;;
    esac
done
[ ${#servers[@]} -gt 0 ] || servers=(warden reference)
[[ "$wrk_seconds" =~ ^[1-9][0-9]*$ ]] || { echo "notify.sh: --seconds must be a whole number above 0, got '$wrk_seconds'" >&2; exit 64; }
if ! [[ "$delay" =~ ^[0-9]+$ ]] || [ "$delay" -le "$wrk_seconds" ]; then
    echo "notify.sh: --delay must be whole seconds above --seconds ($wrk_seconds), got '$delay'" >&2
    exit 64
fi
[[ "$rate_cap" =~ ^[1-9][0-9]*$ ]] || { echo "notify.sh: --rate must be a whole number above 0, got '$rate_cap'" >&2; exit 64; }
[ -x /usr/lib/crowdsec/plugins/http ] ||
    { echo "notify.sh: /usr/lib/crowdsec/plugins/http is missing; install Debian's crowdsec (Tests/clients/install.sh)" >&2; exit 1; }

tmp="$(mktemp -d /tmp/wch-notify.XXXXXX)"
# CrowdSec's plugin copies live in it and run as nobody, who must reach them.
chmod 755 "$tmp"
# What runs now, so that an interrupted run stops it: the server (kind and folder) and
# the receiver's pid.
server_kind="" server_dir="" receiver_pid=""
script_of() { if [ "$1" = warden ]; then echo "$root/Benchmarks/api/warden-lapi.sh"; else echo "$root/Tests/clients/reference-lapi.sh"; fi; }
server_down() {
    [ -z "$server_kind" ] || bash "$(script_of "$server_kind")" down "$server_dir"
    server_kind=""
}
receiver_down() {
    [ -z "$receiver_pid" ] || { kill "$receiver_pid" 2>/dev/null || true; wait "$receiver_pid" 2>/dev/null || true; }
    receiver_pid=""
}
cleanup() {
    server_down
    receiver_down
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# receiver_up DELAY: a fresh receiver; sets receiver_pid and receiver_url.
receiver_up() {
    rm -f "$tmp/receiver.port"
    python3 "$here/receiver.py" --port-file "$tmp/receiver.port" --delay "$1" &
    receiver_pid=$!
    for _ in $(seq 100); do [ -s "$tmp/receiver.port" ] && break; sleep 0.1; done
    [ -s "$tmp/receiver.port" ] || { echo "notify.sh: the receiver did not start" >&2; exit 1; }
    receiver_url="http://127.0.0.1:$(cat "$tmp/receiver.port")"
}
# stats FIELD: one figure of the receiver's /stats line.
stats() { curl -sS --max-time 10 "$receiver_url/stats" | awk -v f="$1" '{ for (i = 1; i < NF; i += 2) if ($i == f) print $(i + 1) }'; }

# write_notification DIR PACING: the notification file both servers get.
write_notification() {
    mkdir -p "$1"
    cat >"$1/http.yaml" <<YAML
type: http
name: bench_http
format: '{{.|toJson}}'
url: $receiver_url/hook
method: POST
headers:
  Content-Type: application/json
max_retry: 1
timeout: $((delay + 30))s
YAML
    [ "$2" != batched ] || printf 'group_wait: 5s\ngroup_threshold: 500\n' >>"$1/http.yaml"
}

# server_up KIND [NOTIFY_DIR]: a fresh server, its env sourced; a machine logged in (token).
server_up() {
    server_kind="$1" server_dir="$tmp/server"
    NOTIFY_DIR="${2:-}" bash "$(script_of "$1")" up "$server_dir"
    # shellcheck disable=SC1091
    . "$server_dir/env"
    $MACHINE_ADD "bench-notify-$$" "$tmp/credentials.yaml"
    token="$(curl -sS --max-time 30 -H 'Content-Type: application/json' \
        -d "$(jq -nc --arg m "$(sed -n 's/^login: *//p' "$tmp/credentials.yaml")" \
            --arg p "$(sed -n 's/^password: *//p' "$tmp/credentials.yaml")" \
            '{machine_id: $m, password: $p, scenarios: ["crowdsecurity/ssh-bf"]}')" \
        "${LAPI_URL%/}/v1/watchers/login" | jq -r '.token // empty')"
    [ -n "$token" ] || { echo "notify.sh: $1: the machine's login got no token" >&2; exit 1; }
}

# wrk writes latencies and durations as 850.12us, 21.3ms, 1.2s or 10.02s: milliseconds.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/[0-9.]+/, "", u); x = v + 0; print (u == "us") ? x / 1000 : (u == "s") ? x * 1000 : (u == "m") ? x * 60000 : x }'; }

# The paced script: intake.lua, then paced.lua's pause before every request.
cat "$root/Benchmarks/api/intake.lua" "$here/paced.lua" >"$tmp/paced.lua"

# post [full|paced]: wrk's one-alert POSTs; sets load1, post_start, post_end and the
# intake columns.
post() {
    local script=("$root/Benchmarks/api/intake.lua" "$token")
    [ "${1:-full}" = full ] || script=("$tmp/paced.lua" "$token" "$((clients * 1000 / rate_cap))")
    load1="$(cut -d' ' -f1 /proc/loadavg)"
    post_start=$EPOCHREALTIME
    wrk -t2 -c"$clients" -d"${wrk_seconds}s" --timeout 10s --latency -s "${script[0]}" \
        "${LAPI_URL%/}/" -- "${script[@]:1}" >"$tmp/wrk.txt" 2>&1
    post_end=$EPOCHREALTIME
    local accepted duration
    read -r accepted rejected < <(awk '/^intake:/ { print $3, $5 }' "$tmp/wrk.txt")
    duration="$(awk '/requests in/ { for (i = 1; i <= NF; i++) if ($i == "in") { v = $(i + 1); sub(/,$/, "", v); print v } }' "$tmp/wrk.txt")"
    rate="$(awk -v a="$accepted" -v d="$(ms "$duration")" 'BEGIN { printf "%.0f", (d > 0) ? a / (d / 1000) : 0 }')"
    p50="$(ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.txt")")"
    p99="$(ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.txt")")"
    timeouts="$(awk '/Socket errors/ { for (i = 1; i <= NF; i++) if ($i == "timeout") print $(i + 1) }' "$tmp/wrk.txt")"
    timeouts="${timeouts:-0}"
}

# first_alert: the slow case's first alert, the agent's shape (as intake.lua's) from an
# address wrk never uses.
first_alert() {
    local now ip=198.51.100.1
    now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    jq -nc --arg ip "$ip" --arg now "$now" '[{capacity: 5, decisions: null, events_count: 1, labels: null,
        events: [{timestamp: $now, meta: [{key: "source_ip", value: $ip}, {key: "service", value: "ssh"}]}],
        leakspeed: "10s", message: "Ip \($ip) performed crowdsecurity/ssh-bf", remediation: true,
        scenario: "crowdsecurity/ssh-bf", scenario_hash: "", scenario_version: "0.1", simulated: false,
        source: {ip: $ip, scope: "Ip", value: $ip}, start_at: $now, stop_at: $now}]'
}

# row SERVER CASE [delivery columns]: one line of the table.
row() {
    local name="$1" kase="$2"
    shift 2
    printf '%s\t%s\t%s\t%s\t%.2f\t%.2f\t%s\t%s' "$name" "$kase" "$clients" "$rate" "$p50" "$p99" "$rejected" "$timeouts" >>"$rows"
    if [ $# -gt 0 ]; then printf '\t%s' "$@" >>"$rows"; else printf '\t-\t-\t-\t-\t-\t-\t-\t-' >>"$rows"; fi
    printf '\t%s\n' "$load1" >>"$rows"
}

# measure_delivery KIND NAME PACING full|paced: the unbatched/batched cases.
measure_delivery() {
    local kind="$1" name="$2" pacing="$3" speed="$4" stored delivered seen quiet last_change kase="$3"
    [ "$speed" = full ] || kase="$pacing@$rate_cap"
    receiver_up 0
    write_notification "$tmp/notify" "$pacing"
    server_up "$kind" "$tmp/notify"
    echo "$name: $kase: posting for ${wrk_seconds}s from $clients connections..." >&2
    post "$speed"
    stored="$(curl -sS --max-time 120 -H "X-Api-Key: $LAPI_KEY" "${LAPI_URL%/}/v1/decisions" | jq 'length')"
    # Delivery ends when every stored alert arrived, or when nothing came for 10 s (twice
    # the longest group_wait).
    seen=-1 quiet=10 last_change=$SECONDS
    while :; do
        delivered="$(stats alerts)"
        [ "$delivered" -lt "$stored" ] || break
        if [ "$delivered" != "$seen" ]; then seen="$delivered" last_change=$SECONDS; fi
        [ $((SECONDS - last_change)) -lt "$quiet" ] || break
        sleep 0.5
    done
    local requests bytes last wall lag per_second
    requests="$(stats requests)" bytes="$(stats bytes)" last="$(stats last)"
    [ "$(stats bad)" = 0 ] || echo "notify.sh: $name: $(stats bad) bodies were not a JSON array" >&2
    read -r wall lag per_second < <(awk -v n="$delivered" -v a="$post_start" -v e="$post_end" -v b="$last" \
        'BEGIN { lag = (b > e) ? b - e : 0; wall = e + lag - a; printf "%.2f %.2f %.0f\n", wall, lag, n / wall }')
    row "$name" "$kase" "$stored" "$delivered" "$((stored - delivered))" "$requests" \
        "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')" "$wall" "$lag" "$per_second"
    server_down
    receiver_down
}

rows="$tmp/rows.tsv"
: >"$rows"
for kind in "${servers[@]}"; do
    if [ "$kind" = warden ]; then name=warden; else name=crowdsec-1.4.6; fi

    server_up "$kind"
    echo "$name: intake without notifications..." >&2
    post
    row "$name" intake
    server_down

    receiver_up "$delay"
    write_notification "$tmp/notify" unbatched
    server_up "$kind" "$tmp/notify"
    echo "$name: intake while the plugin is in a ${delay}s call..." >&2
    first_alert | curl -sS --max-time 30 -o /dev/null -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary @- "${LAPI_URL%/}/v1/alerts"
    for _ in $(seq 100); do [ "$(stats requests)" = 0 ] || break; sleep 0.1; done
    [ "$(stats requests)" != 0 ] || { echo "notify.sh: $name: the first alert's notification did not reach the receiver within 10 s" >&2; exit 1; }
    post
    # Requests the receiver got while the alerts went in: the plugin calls under way.
    row "$name" "slow-${delay}s" - - - "$(($(stats requests) - 1))" - - - -
    server_down
    receiver_down

    measure_delivery "$kind" "$name" unbatched full
    measure_delivery "$kind" "$name" unbatched paced
    measure_delivery "$kind" "$name" batched paced
done

{
    echo "# notifications, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores; Debian's http plugin (/usr/lib/crowdsec/plugins/http)"
    echo "# to receiver.py, format '{{.|toJson}}', max_retry 1, timeout $((delay + 30))s; wrk -t2 -c$clients -d${wrk_seconds}s of one-alert"
    echo "# POST /v1/alerts (agent shape, default profile: one 4h ban each), full speed or @R: at most R/s;"
    echo "# unbatched: no group_wait/group_threshold; batched: group_wait 5s, group_threshold 500;"
    echo "# slow: the plugin is inside a ${delay}s call (the receiver's answer) while wrk runs; load1 before wrk"
    {
        printf 'server\tcase\tclients\talerts/s\tp50_ms\tp99_ms\trejected\ttimeouts\tstored\tdelivered\tlost\trequests\tMB\twall_s\tlag_s\tdelivered/s\tload1\n'
        cat "$rows"
    } | column -t -s $'\t'
} | tee ${out:+"$out"}
