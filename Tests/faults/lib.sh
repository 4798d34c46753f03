# shellcheck shell=bash
# Shared by the fault cases (sourced, not run): a scratch folder, cleanup in a trap,
# TAP-like reporting, one daemon with its Prometheus endpoint, a machine that posts
# alerts as CrowdSec's agent does (the same bytes again after any answer but 201),
# a bouncer key, and a bouncer poller that records every answer while a fault lasts.
#
# WARDEN_BIN_DIR: a folder with warden, warden-daemon and the backends' lib*.so
# (default: `swift build --show-bin-path`).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${WARDEN_BIN_DIR:-$(cd "$root" && swift build --show-bin-path)}"
case_name="$(basename "$0" .sh)"
work="$(mktemp -d "/tmp/warden-faults-$case_name.XXXXXX")"
export WARDEN_ALLOW_UNSAFE_PLUGINS=1
key="faults-bouncer-key-0123456789"
agent_ua="crowdsec/v1.4.6-6~deb12u1+b1-linux-debian"

# ---------------------------------------------------------------- cleanup
# on_exit CMD: runs CMD (eval'd) at exit, last registered first.
cleanups=()
on_exit() { cleanups+=("$1"); }
run_cleanups() {
    local i
    for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" >/dev/null 2>&1; done
    if [ -n "${WARDEN_FAULTS_KEEP:-}" ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap run_cleanups EXIT
trap 'exit 130' INT TERM

# stop_pid PID: TERM, up to 10 s, then KILL; waits for it when it is our child.
stop_pid() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# -------------------------------------------------------------- reporting
passed=0
failed=0
ok() { echo "ok - $case_name: $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $case_name: $*"; failed=$((failed + 1)); }
# check DESCRIPTION COMMAND...
check() {
    local description="$1"
    shift
    if "$@"; then ok "$description"; else not_ok "$description"; fi
}
note() { echo "# $*"; }
finish() {
    echo "# $case_name: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ----------------------------------------------------------------- daemon
# node DIR: DIR/config.yaml (API and Prometheus on free ports, backends in DIR/backends);
# sets api and metrics_url. The backend files are written by the case.
node() {
    local dir="$1" port mport
    port="$(free_port)"
    mport="$(free_port)"
    mkdir -p "$dir/backends"
    cat >"$dir/config.yaml" <<YAML
plugin:
  backend: ./backends
api:
  server:
    listen_uri: 127.0.0.1:$port
    bouncers_file: ./bouncers
    store_timeout: ${store_timeout:-10s}
prometheus:
  enabled: true
  listen_addr: 127.0.0.1
  listen_port: $mport
YAML
    config="$dir/config.yaml"
    api="http://127.0.0.1:$port"
    metrics_url="http://127.0.0.1:$mport/metrics"
}

# cli ARGS...: the warden CLI on this case's config.
cli() { "$bin/warden" -c "$config" "$@"; }

# start_daemon: starts warden-daemon on $config (log: daemon.log beside it), waits for
# /health; sets daemon_pid.
start_daemon() {
    local log="${config%/*}/daemon.log"
    "$bin/warden-daemon" -c "$config" >>"$log" 2>&1 &
    daemon_pid=$!
    on_exit "stop_pid $daemon_pid"
    for _ in $(seq 150); do
        curl -fsS --max-time 1 "$api/health" >/dev/null 2>&1 && return 0
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "# warden-daemon did not start; its log:" >&2
    sed 's/^/#   /' "$log" >&2
    return 1
}

daemon_alive() { kill -0 "$daemon_pid" 2>/dev/null; }
daemon_log() { cat "${config%/*}/daemon.log"; }

# setup_clients: the bouncer key and a validated machine, logged in; sets token.
setup_clients() {
    local cred password
    cli bouncers add faults -k "$key" >/dev/null || return 1
    cred="${config%/*}/machine.yaml"
    cli machines add faults-agent --auto -f "$cred" >/dev/null || return 1
    password="$(sed -n 's/^password: *//p' "$cred" | tr -d '"')"
    machine_password="$password"
}

# login: sets token (a fresh one; the daemon must be up).
login() {
    token="$(curl -sS --max-time 5 -A "$agent_ua" -H 'Content-Type: application/json' \
        -d "{\"machine_id\":\"faults-agent\",\"password\":\"$machine_password\",\"scenarios\":null}" \
        "$api/v1/watchers/login" | jq -r '.token // empty')"
    [ -n "$token" ]
}

# ----------------------------------------------------------------- alerts
# alert_body NAME IP [EXTRA_DECISIONS]: one alert as `cscli decisions add` sends it, with a
# scenario unique to NAME (so each alert can be counted in the store), banning IP for 4h,
# plus EXTRA_DECISIONS more decisions on 10.<n>.<i>.<j> addresses (to make it bigger).
alert_body() {
    python3 - "$1" "$2" "${3:-0}" <<'PY'
import datetime, json, sys, zlib
name, ip, extra = sys.argv[1], sys.argv[2], int(sys.argv[3])
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def decision(value):
    return {"duration": "4h", "origin": "cscli", "scenario": name, "scope": "Ip",
            "simulated": False, "type": "ban", "value": value}
seed = zlib.crc32(name.encode()) % 200 + 20
decisions = [decision(ip)] + [decision(f"10.{seed}.{i // 250}.{i % 250 + 1}") for i in range(extra)]
alert = {"capacity": 0, "decisions": decisions, "events": [], "events_count": 1, "labels": None,
         "leakspeed": "0", "message": name + " " + "m" * 900, "scenario": name,
         "scenario_hash": "", "scenario_version": "", "simulated": False,
         "source": {"ip": ip, "scope": "Ip", "value": ip}, "start_at": now, "stop_at": now}
print(json.dumps([alert]))
PY
}

# post_alert FILE [MAX_TIME]: POST /v1/alerts with FILE's bytes; prints "STATUS BODY"
# (STATUS 000 when no answer came within MAX_TIME seconds, default 10).
post_alert() {
    local out status
    out="$(curl -sS --max-time "${2:-10}" -A "$agent_ua" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary "@$1" -w '\n%{http_code}' "$api/v1/alerts" 2>/dev/null)"
    status="$(tail -1 <<<"$out")"
    echo "${status:-000} $(sed '$d' <<<"$out" | tr -d '\n')"
}

# lapi_error_shape BODY: BODY is LAPI's error, {"message":"<non-empty>"}.
lapi_error_shape() { jq -e 'type == "object" and (.message | type == "string" and length > 0)' >/dev/null 2>&1 <<<"$1"; }

# stored_count SCENARIO: how many alerts GET /v1/alerts lists with that scenario.
stored_count() {
    curl -fsS --max-time 10 -A "$agent_ua" -H "Authorization: Bearer $token" \
        "$api/v1/alerts?scenario=$1&limit=0" | jq --arg s "$1" '[.[]? | select(.scenario == $s)] | length'
}

# all_alert_scenarios: every stored alert's scenario, one a line.
all_alert_scenarios() {
    curl -fsS --max-time 20 -A "$agent_ua" -H "Authorization: Bearer $token" "$api/v1/alerts?limit=0" |
        jq -r '.[]?.scenario'
}

# ---------------------------------------------------------------- bouncers
# decisions_of IP [MAX_TIME]: the bouncer API's decisions for IP (compact JSON), or fails.
decisions_of() {
    curl -fsS --max-time "${2:-5}" -H "X-Api-Key: $key" "$api/v1/decisions?ip=$1"
}
banned() { [ "$(decisions_of "$1" | jq 'length? // 0' 2>/dev/null)" -gt 0 ] 2>/dev/null; }

# start_bouncer_poller FILE IP: every 0.2 s asks `GET /v1/decisions?ip=IP` and a
# `GET /v1/decisions/stream` (1 s limit each), one line per round in FILE:
# "ms ip_status ip_seconds ip_banned stream_status stream_seconds". Sets poller_pid.
start_bouncer_poller() {
    (
        local first=true
        while true; do
            local a b startup=""
            $first && startup="&startup=true"
            first=false
            a="$(curl -sS --max-time 1 -H "X-Api-Key: $key" -o "$1.ip" -w '%{http_code} %{time_total}' \
                "$api/v1/decisions?ip=$2" 2>/dev/null)"
            b="$(curl -sS --max-time 1 -H "X-Api-Key: $key" -o /dev/null -w '%{http_code} %{time_total}' \
                "$api/v1/decisions/stream?scopes=ip$startup" 2>/dev/null)"
            local hit=0
            grep -q "\"value\":\"$2\"" "$1.ip" 2>/dev/null && hit=1
            echo "$(now_ms) ${a:-000 1} $hit ${b:-000 1}" >>"$1"
            sleep 0.2
        done
    ) &
    poller_pid=$!
    on_exit "kill $poller_pid"
}

# poller_summary FILE: "rounds R, ip failures F, not banned N, stream failures S, slowest X s".
poller_summary() {
    awk '{ r++; if ($2 != 200) f++; if ($4 != 1) n++; if ($5 != 200) s++;
           if ($3 > m) m = $3; if ($6 > m) m = $6 }
         END { printf "rounds %d, ip failures %d, not banned %d, stream failures %d, slowest %.3f s\n", r, f, n, s, m }' "$1"
}
# poller_clean FILE: every round answered 200 on both routes, with the ban.
poller_clean() { [ -s "$1" ] && awk '$2 != 200 || $4 != 1 || $5 != 200 { bad = 1 } END { exit bad }' "$1"; }

# metric NAME_REGEX: the daemon's metric lines matching (raw Prometheus text).
metric() { curl -fsS --max-time 5 "$metrics_url" | grep -E "$1"; }
