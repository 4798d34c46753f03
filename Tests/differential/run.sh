#!/usr/bin/env bash
# Differential test of the Local API: the same seeded random operations go to
# `warden-daemon` (the subject) and to CrowdSec 1.4.6's LAPI (the oracle, started by
# Tests/clients/reference-lapi.sh), and what bouncers of each end up enforcing is
# compared (Tests/differential/differential.py; see README.md beside this file).
#
# Usage: bash Tests/differential/run.sh [--oracle-vs-oracle [--inject BUG]] [differential.py options]
#   --oracle-vs-oracle  the subject is a second CrowdSec LAPI (checks the harness:
#                       zero failures expected)
#   --inject BUG        ... seen through inject.py, which alters its answers like a
#                       known bug (startup-deleted, newest-only, simulated): must fail
#   other options go to differential.py: --seed N --sequences N --steps N ...
# Environment: WARDEN_BIN_DIR, the folder of warden, warden-daemon and
# libwarden-backend-sqlite.so (default: `swift build --show-bin-path`); they are copied
# to a scratch folder first, so a rebuild during the run does not disturb it.
# Needs Tests/clients/install.sh (crowdsec). Prints differential.py's report, whose
# last line is `N passed, N failed` (N = sequences). Stops what it started, by pid.
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
mode=warden
inject=""
if [ "${1:-}" = "--oracle-vs-oracle" ]; then mode=oracle; shift; fi
if [ "$mode" = oracle ] && [ "${1:-}" = "--inject" ]; then inject="${2:?--inject needs a bug name}"; shift 2; fi
case "${1:-}" in -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

work="$(mktemp -d /tmp/warden-differential.XXXXXX)"
lapi="$root/Tests/clients/reference-lapi.sh"
proxy=""
cleanup() {
    [ -z "$proxy" ] || { kill -TERM "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null; }
    bash "$lapi" down "$work/oracle" >/dev/null 2>&1
    [ "$mode" = oracle ] && bash "$lapi" down "$work/subject" >/dev/null 2>&1
    if [ -f "$work/warden/config.pid" ]; then
        pid="$(cat "$work/warden/config.pid")"
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

keys=()
for i in $(seq 0 15); do keys+=("differential-key-$i-5f0c2a9e71d4b3"); done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# oracle_up NAME: a CrowdSec LAPI in $work/NAME with the keys and one machine; sets
# url, restart (a JSON argv) and credentials.
oracle_up() {
    local dir="$work/$1" i
    bash "$lapi" up "$dir" >/dev/null || return 1
    url="$(sed -n 's/^export LAPI_URL=//p' "$dir/env")"
    for i in "${!keys[@]}"; do bash "$lapi" bouncer-add "$dir" "differential-$i" "${keys[$i]}" || return 1; done
    bash "$lapi" machine-add "$dir" differential "$dir/machine.yaml" || return 1
    credentials="$dir/machine.yaml"
    restart="[\"bash\", \"$lapi\", \"restart\", \"$dir\"]"
}

# warden_up: warden-daemon on a SQLite store in $work/warden, configured as in
# Tests/support/real-clients.sh, with the keys and one machine.
warden_up() {
    local src="${WARDEN_BIN_DIR:-}" dir="$work/warden" bin="$work/bin" port i
    [ -n "$src" ] || src="$(swift build --show-bin-path)" || return 1
    mkdir -p "$bin" "$dir/backends"
    for f in warden warden-daemon libwarden-backend-sqlite.so; do
        cp "$src/$f" "$bin/$f" || { echo "differential: $src/$f is missing (set WARDEN_BIN_DIR)" >&2; return 1; }
    done
    port="$(free_port)"
    printf 'name: sqlite\npath: %s\nconfig:\n  db_path: %s\n' "$bin/libwarden-backend-sqlite.so" "$dir/warden.db" \
        >"$dir/backends/store.yaml"
    cat >"$dir/config.yaml" <<YAML
plugin:
  backend: ./backends
api:
  server:
    listen_uri: 127.0.0.1:$port
    bouncers_file: ./bouncers
YAML
    cp "$root/config/profiles.yaml" "$dir/profiles.yaml"
    for i in "${!keys[@]}"; do "$bin/warden" -c "$dir/config.yaml" bouncers add "differential-$i" -k "${keys[$i]}" >/dev/null || return 1; done
    "$bin/warden" -c "$dir/config.yaml" machines add differential --auto -f "$dir/machine.yaml" >/dev/null || return 1
    "$bin/warden-daemon" -c "$dir/config.yaml" >>"$dir/config.log" 2>&1 &
    echo $! >"$dir/config.pid"
    url="http://127.0.0.1:$port"
    for _ in $(seq 100); do
        curl -fsS "$url/health" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fsS "$url/health" >/dev/null 2>&1 || { echo "differential: warden-daemon did not start; its log:" >&2; cat "$dir/config.log" >&2; return 1; }
    credentials="$dir/machine.yaml"
    restart="[\"env\", \"WARDEN_CONFIG=$dir/config.yaml\", \"WARDEN_BIN=$bin/warden\", \"WARDEN_PIDFILE=$dir/config.pid\", \"WARDEN_DAEMON=$bin/warden-daemon\", \"WARDEN_LOG=$dir/config.log\", \"LAPI_URL=$url\", \"bash\", \"$root/Tests/clients/warden-adapter.sh\", \"restart\"]"
}

started=$SECONDS
fail_setup() { echo "not ok - differential: $1"; echo "0 passed, 1 failed"; exit 1; }
oracle_up oracle || fail_setup "the CrowdSec LAPI (oracle) did not start"
oracle_url="$url" oracle_credentials="$credentials" oracle_restart="$restart"
if [ "$mode" = oracle ]; then
    oracle_up subject || fail_setup "the second CrowdSec LAPI did not start"
    subject_name="crowdsec-2"
    if [ -n "$inject" ]; then
        port="$(free_port)"
        python3 "$root/Tests/differential/inject.py" "$port" "$url" "$inject" &
        proxy=$!
        url="http://127.0.0.1:$port"
        for _ in $(seq 50); do curl -fsS "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
        subject_name="crowdsec-2+$inject"
    fi
else
    warden_up || fail_setup "warden-daemon did not start"
    subject_name="warden"
fi
key_json="$(printf '"%s",' "${keys[@]}")"
cat >"$work/servers.json" <<JSON
{"oracle": {"name": "crowdsec", "url": "$oracle_url", "credentials": "$oracle_credentials", "restart": $oracle_restart},
 "subject": {"name": "$subject_name", "url": "$url", "credentials": "$credentials", "restart": $restart},
 "keys": [${key_json%,}]}
JSON
echo "# servers up in $((SECONDS - started)) s (oracle $oracle_url, $subject_name $url)"
python3 "$root/Tests/differential/differential.py" --servers "$work/servers.json" "$@"
