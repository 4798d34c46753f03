#!/usr/bin/env bash
# `warden run` as a server for the decisions-API benchmark (run.sh --warden), the
# counterpart of Tests/clients/reference-lapi.sh for CrowdSec: a throw-away config with
# one SQLite backend, its database, bouncer keys and log in DIR, on a free loopback port.
#
# `up` writes DIR/env (`export`ed shell assignments): LAPI_URL, LAPI_KEY, LAPI_PID,
# BAN_IMPORT and MACHINE_ADD (this script's import and machine-add bound to DIR), which is
# what run.sh, measure.sh and intake.sh read.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/api/warden-lapi.sh COMMAND DIR [ARGS]

  up DIR                    write the config (SQLite backend), register a bouncer key,
                            start warden-daemon; writes DIR/env
  down DIR                  stop the daemon (SIGTERM, by its pid) and delete DIR
  import DIR FILE DURATION  ban every target of FILE (one address or CIDR a line) for
                            DURATION with `warden-bench import`, then wait until the
                            daemon serves them all (GET /v1/decisions counts them)
  machine-add DIR NAME FILE register machine NAME (validated, random password) and write
                            its credentials file FILE (`warden machines add --auto -f`)

Environment: WARDEN_BIN, the folder holding warden, warden-daemon, warden-bench and
libwarden-backend-sqlite.so (default: `swift build -c release --show-bin-path`).
TEXT
}
[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && { usage; exit 0; }
[ $# -ge 2 ] || { usage >&2; exit 64; }
action="$1"
dir="$2"
shift 2
here="$(cd "$(dirname "$0")" && pwd)"
self="$here/$(basename "$0")"
bin="${WARDEN_BIN:-$(cd "$here/../.." && PATH="/opt/swift/usr/bin:$PATH" swift build -c release --show-bin-path)}"
config="$dir/config.yaml"
pidfile="$dir/daemon.pid"

# get PATH-AND-QUERY [curl options]: one authenticated request to the daemon.
get() {
    local path="$1"
    shift
    curl -sS --max-time 120 -H "X-Api-Key: $(cat "$dir/bouncer.key")" "$@" "$(cat "$dir/url")$path"
}

case "$action" in
    up)
        mkdir -p "$dir/backends"
        port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
        # No plugin.max_records: retention must not purge the benchmark's bans.
        cat >"$config" <<YAML
plugin:
  backend: ./backends
api:
  server:
    listen_uri: 127.0.0.1:$port
    bouncers_file: ./bouncers
YAML
        cat >"$dir/backends/sqlite.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $dir/warden.db
YAML
        echo "http://127.0.0.1:$port" >"$dir/url"
        key="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
        echo "$key" >"$dir/bouncer.key"
        "$bin/warden" -c "$config" bouncers add bench -k "$key" >/dev/null
        "$bin/warden-daemon" -c "$config" >"$dir/daemon.log" 2>&1 &
        echo $! >"$pidfile"
        for _ in $(seq 100); do
            curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
            kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "warden-daemon exited; its log:" >&2; cat "$dir/daemon.log" >&2; exit 1; }
            sleep 0.1
        done
        cat >"$dir/env" <<ENV
export LAPI_URL=http://127.0.0.1:$port
export LAPI_KEY=$key
export LAPI_PID=$(cat "$pidfile")
export BAN_IMPORT="$self import $dir"
export MACHINE_ADD="$self machine-add $dir"
ENV
        ;;
    down)
        if [ -f "$pidfile" ]; then
            pid="$(cat "$pidfile")"
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        # Only a folder that `up` made is deleted (a mistyped DIR is left alone).
        if [ -f "$dir/bouncer.key" ] && [ -f "$config" ]; then
            rm -rf "$dir"
        elif [ -e "$dir" ]; then
            echo "warden-lapi.sh: $dir was not made by 'up' (no bouncer.key/config.yaml); not deleting it" >&2
        fi
        ;;
    import)
        [ $# -eq 2 ] || { echo "usage: warden-lapi.sh import DIR FILE DURATION" >&2; exit 64; }
        "$bin/warden-bench" import -c "$config" "$1" "$2"
        want="$(grep -c . "$1")"
        last="$(grep . "$1" | tail -1)"
        # The daemon re-reads the store every second and adds what is new in one step:
        # once the last target is served, the whole file should be; the count checks it.
        for _ in $(seq 1200); do
            [[ "$(get /v1/decisions -G --data-urlencode "value=$last" 2>/dev/null)" == *'"value"'* ]] && break
            kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "warden-daemon exited; its log:" >&2; tail -20 "$dir/daemon.log" >&2; exit 1; }
            sleep 0.1
        done
        have="$(get /v1/decisions | grep -o '"id":' | wc -l)"
        [ "$have" -ge "$want" ] || { echo "warden-lapi.sh: the daemon serves $have decisions, not the $want imported" >&2; exit 1; }
        ;;
    machine-add)
        [ $# -eq 2 ] || { echo "usage: warden-lapi.sh machine-add DIR NAME FILE" >&2; exit 64; }
        "$bin/warden" -c "$config" machines add "$1" --auto -f "$2" >/dev/null
        ;;
    *) echo "warden-lapi.sh: unknown command '$action'; see --help" >&2; exit 64 ;;
esac
