#!/usr/bin/env bash
# The reference server for the real-client harness: CrowdSec 1.4.6's Local API
# alone (no agent, no acquisition, no Central API), with a throw-away config, its
# SQLite database and logs in DIR, on a free loopback port. It never uses the
# system service nor /etc/crowdsec (install.sh does the package install).
#
# `up` writes DIR/env (shell assignments, `export`ed), which is all the client tests
# read: LAPI_URL, LAPI_KEY (a bouncer key made for the tests), BAN_ADD and BAN_DEL
# (this script's ban-add/ban-del bound to DIR), LAPI_PID (for memory figures), and for
# the machine-side tests (agent-lib.sh) MACHINE_ADD, SERVER_RESTART and PROFILES_PATH.
#
# With TLS_DIR set when `up` first writes the config (a folder made by test-pki.sh), the
# LAPI serves HTTPS with TLS_DIR/server.pem and accepts client certificates of TLS_DIR's
# CA (ca_cert_path, crl_path ca.crl, OUs bouncer-ou and agent-ou, VerifyClientCertIfGiven);
# LAPI_URL is then https and the harness's credentials trust that CA.
#
# With NOTIFY_DIR set when `up` first writes the config (Benchmarks/notify/notify.sh),
# the LAPI also notifies: every *.yaml of NOTIFY_DIR is copied into DIR/notifications,
# the profile names every notification they define, and the Debian plugins those files'
# types need are copied into DIR/plugins as notification-<type> (1.4.6 refuses Debian's
# unprefixed names), run as nobody/nogroup (plugin_config is required by 1.4.6).
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/reference-lapi.sh COMMAND DIR [ARGS]

  up DIR                      create the config (first time) and start the LAPI; writes DIR/env
  down DIR                    stop the LAPI (by its pid) and delete DIR
  stop DIR                    stop the LAPI (by its pid), keeping DIR (its database, config, keys)
  bouncer-add DIR NAME KEY    register a bouncer with a chosen API key (cscli bouncers add)
  ban-add DIR TARGET DURATION ban an address or a CIDR (a '/' means a range) for a Go
                              duration (45s, 90m, 4h), reason "test" (cscli decisions add)
  ban-del DIR TARGET          delete the decisions of that address or CIDR (cscli decisions delete);
                              note: CrowdSec 1.4.6 also deletes ranges that contain an address
  import DIR FILE DURATION    ban every target in FILE (one address or CIDR a line) for DURATION,
                              reason "bench" (cscli decisions import, one call per scope)
  machine-add DIR NAME FILE   register a validated machine with a generated password and write
                              its credentials file (url, login, password) to FILE
  restart DIR                 stop the LAPI and start it again (same port and database; it
                              reads the profiles again, and 1.4.6 makes a new JWT secret)
  cscli DIR ARGS...           run any cscli command against this server

DIR and the harness's paths must not contain spaces ($BAN_ADD is word-split by the tests).
Environment: NOTIFY_DIR, a folder of notification files the LAPI sends every alert to
(read by `up` when it first writes the config; see the script's header); REFERENCE_MYSQL,
"HOST PORT USER PASSWORD DATABASE" of an existing MySQL/MariaDB database to use instead
of SQLite (read by `up` when it first writes the config).
TEXT
}
[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && { usage; exit 0; }
[ $# -ge 2 ] || { usage >&2; exit 64; }
action="$1"
dir="$2"
shift 2
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
config="$dir/config.yaml"
pidfile="$dir/lapi.pid"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

# Runs cscli quietly; shows its output only when it fails.
quiet_cscli() {
    local out
    if ! out="$(cscli -c "$config" --error "$@" 2>&1)"; then
        echo "cscli $* failed:" >&2
        echo "$out" >&2
        return 1
    fi
}

# db_config: the database keys of db_config, SQLite in DIR unless REFERENCE_MYSQL is set.
db_config() {
    if [ -n "${REFERENCE_MYSQL:-}" ]; then
        local host port user password name
        read -r host port user password name <<<"$REFERENCE_MYSQL"
        printf '  type: mysql\n  host: %s\n  port: %s\n  user: %s\n  password: %s\n  db_name: %s\n' \
            "$host" "$port" "$user" "$password" "$name"
    else
        printf '  type: sqlite\n  db_path: %s/data/crowdsec.db\n  use_wal: true\n' "$dir"
    fi
}

write_config() {
    local port="$1"
    mkdir -p "$dir/data" "$dir/hub" "$dir/notifications" "$dir/plugins"
    echo '{}' >"$dir/hub/.index.json"
    echo "simulation: off" >"$dir/simulation.yaml"
    # The profile only matters for alerts without decisions (agents); cscli's
    # decisions carry their own, so this is Debian's default profile.
    cat >"$dir/profiles.yaml" <<'YAML'
name: default_ip_remediation
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
on_success: break
YAML
    [ -z "${NOTIFY_DIR:-}" ] || add_notifications
    cat >"$config" <<YAML
common:
  daemonize: true
  log_media: file
  log_dir: $dir/
  log_level: warning
  working_dir: .
config_paths:
  config_dir: $dir/
  data_dir: $dir/data/
  simulation_path: $dir/simulation.yaml
  hub_dir: $dir/hub/
  index_path: $dir/hub/.index.json
  notification_dir: $dir/notifications/
  plugin_dir: $dir/plugins/
crowdsec_service:
  acquisition_path: $dir/acquis.yaml
cscli:
  output: human
  color: "no"
db_config:
  log_level: warning
$(db_config)
  flush:
    max_items: 5000
    max_age: 7d
api:
  client:
    insecure_skip_verify: false
    credentials_path: $dir/local_api_credentials.yaml
  server:
    log_level: warning
    listen_uri: 127.0.0.1:$port
    profiles_path: $dir/profiles.yaml
    console_path: $dir/console.yaml
    trusted_ips:
      - 127.0.0.1
      - ::1
prometheus:
  enabled: false
YAML
    [ -z "${NOTIFY_DIR:-}" ] || printf 'plugin_config:\n  user: nobody\n  group: nogroup\n' >>"$config"
    if [ -n "${TLS_DIR:-}" ]; then
        sed -i "s|^    trusted_ips:|    tls:\n      cert_file: $TLS_DIR/server.pem\n      key_file: $TLS_DIR/server.key\n      client_verification: VerifyClientCertIfGiven\n      ca_cert_path: $TLS_DIR/ca.pem\n      crl_path: $TLS_DIR/ca.crl\n      bouncers_allowed_ou: [bouncer-ou]\n      agents_allowed_ou: [agent-ou]\n    trusted_ips:|" "$config"
        echo https >"$dir/scheme"
    else
        echo http >"$dir/scheme"
    fi
    : >"$dir/acquis.yaml"
    # cscli writes machines and bouncers straight into SQLite: no running server needed.
    quiet_cscli machines add harness-cscli -p "harness-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" \
        -f "$dir/local_api_credentials.yaml" --force
    if [ -n "${TLS_DIR:-}" ]; then
        sed -i "s|^url: http://|url: https://|" "$dir/local_api_credentials.yaml"
        echo "ca_cert_path: $TLS_DIR/ca.pem" >>"$dir/local_api_credentials.yaml"
    fi
    key="harness-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    quiet_cscli bouncers add harness-tests -k "$key"
    echo "$key" >"$dir/bouncer.key"
    echo "$port" >"$dir/port"
}

# add_notifications: NOTIFY_DIR's notification files, the plugins they need, and the
# profile's `notifications` list (see the header).
add_notifications() {
    local file type names=()
    for file in "$NOTIFY_DIR"/*.yaml; do
        [ -f "$file" ] || { echo "reference-lapi.sh: NOTIFY_DIR=$NOTIFY_DIR holds no *.yaml notification file" >&2; exit 64; }
        cp "$file" "$dir/notifications/"
        mapfile -t -O "${#names[@]}" names < <(sed -n 's/^name: *//p' "$file")
        while read -r type; do
            install -m 0755 -o root -g root "/usr/lib/crowdsec/plugins/$type" "$dir/plugins/notification-$type"
        done < <(sed -n 's/^type: *//p' "$file")
    done
    { echo "notifications:"; printf ' - %s\n' "${names[@]}"; } >>"$dir/profiles.yaml"
}

start() {
    local port scheme
    port="$(cat "$dir/port")"
    scheme="$(cat "$dir/scheme")"
    # With daemonize: true the 1.4.6 LAPI stays in the foreground but handles
    # SIGTERM (with false it dies at once); -no-cs: no agent, -no-capi: offline.
    crowdsec -c "$config" -no-cs -no-capi </dev/null >>"$dir/lapi.out" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 100); do
        curl -fsk "$scheme://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
        kill -0 "$(cat "$pidfile")" 2>/dev/null || break
        sleep 0.1
    done
    echo "reference-lapi: the LAPI did not answer /health within 10 s; its output:" >&2
    tail -n 20 "$dir/lapi.out" "$dir/crowdsec.log" "$dir/crowdsec_api.log" 2>/dev/null >&2 || true
    return 1
}

stop() {
    running || return 0
    local pid children child plugins
    pid="$(cat "$pidfile")"
    plugins="$(cd "$dir" && pwd)/plugins/"
    # Its notification plugins, if any: 1.4.6 leaves them running when it exits (seen
    # with SIGTERM and daemonize: true), so they are stopped here, by pid, each checked
    # to still be a plugin of DIR.
    children="$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)"
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    for child in $children; do
        [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$child/cmdline")" != "$plugins"* ]] || kill -KILL "$child" 2>/dev/null || true
    done
    rm -f "$pidfile"
}

case "$action" in
    up)
        mkdir -p "$dir"
        dir="$(cd "$dir" && pwd)"
        config="$dir/config.yaml"
        pidfile="$dir/lapi.pid"
        if [ ! -f "$dir/port" ]; then
            write_config "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
        fi
        running || start
        cat >"$dir/env" <<ENV
export LAPI_URL=$(cat "$dir/scheme")://127.0.0.1:$(cat "$dir/port")
export LAPI_KEY=$(cat "$dir/bouncer.key")
export LAPI_PID=$(cat "$pidfile")
export BAN_ADD="$self ban-add $dir"
export BAN_DEL="$self ban-del $dir"
export BAN_IMPORT="$self import $dir"
export MACHINE_ADD="$self machine-add $dir"
export SERVER_RESTART="$self restart $dir"
export PROFILES_PATH=$dir/profiles.yaml
ENV
        ;;
    down)
        stop
        # Only a folder that `up` made is deleted (a mistyped DIR is left alone).
        if [ -f "$dir/bouncer.key" ] && [ -f "$config" ]; then
            rm -rf "$dir"
        elif [ -e "$dir" ]; then
            echo "reference-lapi.sh: $dir was not made by 'up' (no bouncer.key/config.yaml); not deleting it" >&2
        fi
        ;;
    stop)
        stop
        ;;
    bouncer-add)
        [ $# -eq 2 ] || { echo "usage: reference-lapi.sh bouncer-add DIR NAME KEY" >&2; exit 64; }
        quiet_cscli bouncers add "$1" -k "$2"
        ;;
    ban-add)
        [ $# -eq 2 ] || { echo "usage: reference-lapi.sh ban-add DIR TARGET DURATION" >&2; exit 64; }
        case "$1" in */*) flag=--range ;; *) flag=--ip ;; esac
        quiet_cscli decisions add "$flag" "$1" --duration "$2" --reason test
        ;;
    ban-del)
        [ $# -eq 1 ] || { echo "usage: reference-lapi.sh ban-del DIR TARGET" >&2; exit 64; }
        case "$1" in */*) flag=--range ;; *) flag=--ip ;; esac
        quiet_cscli decisions delete "$flag" "$1"
        ;;
    import)
        [ $# -eq 2 ] || { echo "usage: reference-lapi.sh import DIR FILE DURATION" >&2; exit 64; }
        # cscli 1.4.6 gives every row of a file the --scope flag's scope (the file's
        # scope column is ignored), so addresses and ranges go in separate calls.
        # (cscli picks the format from the file name's extension.)
        csv="$dir/import-$$.csv"
        for scope in Ip Range; do
            { echo value
              if [ "$scope" = Range ]; then grep / "$1" || true; else grep -v / "$1" || true; fi
            } >"$csv"
            [ "$(wc -l <"$csv")" -gt 1 ] || continue
            quiet_cscli decisions import -i "$csv" --scope "$scope" --duration "$2" --reason bench
        done
        rm -f "$csv"
        ;;
    machine-add)
        [ $# -eq 2 ] || { echo "usage: reference-lapi.sh machine-add DIR NAME FILE" >&2; exit 64; }
        # Straight into SQLite, like every cscli machines command (no HTTP involved).
        quiet_cscli machines add "$1" --auto -f "$2" --force
        ;;
    restart)
        [ $# -eq 0 ] || { echo "usage: reference-lapi.sh restart DIR" >&2; exit 64; }
        stop
        start
        ;;
    cscli)
        cscli -c "$config" "$@"
        ;;
    *) echo "reference-lapi.sh: unknown command '$action'; see --help" >&2; exit 64 ;;
esac
