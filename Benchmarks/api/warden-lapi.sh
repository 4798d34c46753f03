#!/usr/bin/env bash
# `warden run` as a server for the decisions-API benchmark (run.sh --warden), the
# counterpart of Tests/clients/reference-lapi.sh for CrowdSec: a throw-away config with
# one SQLite backend, its database, bouncer keys and log in DIR, on a free loopback port.
#
# `up` writes DIR/env (`export`ed shell assignments): LAPI_URL, LAPI_KEY, LAPI_PID,
# BAN_IMPORT and MACHINE_ADD (this script's import and machine-add bound to DIR), which is
# what run.sh, measure.sh and intake.sh read.
#
# With NOTIFY_DIR set (Benchmarks/notify/notify.sh), the daemon also notifies, as
# Tests/clients/reference-lapi.sh sets CrowdSec up: every *.yaml of NOTIFY_DIR is copied
# into DIR/notifications, DIR/profiles.yaml is CrowdSec's default profile naming every
# notification they define, and the plugins (Debian's, from /usr/lib/crowdsec/plugins)
# run as nobody/nogroup.
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
libwarden-backend-sqlite.so (default: `swift build -c release --show-bin-path`);
NOTIFY_DIR, a folder of notification files the daemon sends every alert to (read by
`up`; see the script's header); SQLITE_SYNCHRONOUS, the backend's `synchronous` key
(normal, the default, or full: an fsync at every commit).
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
plugins=/usr/lib/crowdsec/plugins

# get PATH-AND-QUERY [curl options]: one authenticated request to the daemon.
get() {
    local path="$1"
    shift
    curl -sS --max-time 120 -H "X-Api-Key: $(cat "$dir/bouncer.key")" "$@" "$(cat "$dir/url")$path"
}

# add_notifications: NOTIFY_DIR's notification files, a profile naming them, and the
# config keys that find them and the plugins (see the header).
add_notifications() {
    local file names=()
    mkdir -p "$dir/notifications"
    for file in "$NOTIFY_DIR"/*.yaml; do
        [ -f "$file" ] || { echo "warden-lapi.sh: NOTIFY_DIR=$NOTIFY_DIR holds no *.yaml notification file" >&2; exit 64; }
        cp "$file" "$dir/notifications/"
        mapfile -t -O "${#names[@]}" names < <(sed -n 's/^name: *//p' "$file")
    done
    # profiles.yaml beside the config is the daemon's default profiles_path.
    cat >"$dir/profiles.yaml" <<'YAML'
name: default_ip_remediation
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
on_success: break
notifications:
YAML
    printf ' - %s\n' "${names[@]}" >>"$dir/profiles.yaml"
    cat >>"$config" <<YAML
config_paths:
  notification_dir: ./notifications
  plugin_dir: $plugins
plugin_config:
  user: nobody
  group: nogroup
YAML
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
        [ -z "${NOTIFY_DIR:-}" ] || add_notifications
        cat >"$dir/backends/sqlite.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $dir/warden.db
${SQLITE_SYNCHRONOUS:+  synchronous: $SQLITE_SYNCHRONOUS}
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
            children="$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)"
            kill -TERM "$pid" 2>/dev/null || true
            # Pending notifications get up to 10 s of the shutdown; 30 s, then it is killed.
            for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
            # A killed daemon leaves its plugins running: stopped by pid, each checked to
            # still be a plugin.
            for child in $children; do
                [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$child/cmdline")" != "$plugins/"* ]] || kill -KILL "$child" 2>/dev/null || true
            done
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
