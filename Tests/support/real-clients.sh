#!/usr/bin/env bash
# Runs CrowdSec's real bouncers (Tests/clients: crowdsec-firewall-bouncer in a network
# namespace, crowdsec-custom-bouncer, pycrowdsec) and real `cscli` as a machine
# (Tests/clients/cscli-machine.sh; on the single daemon also Tests/clients/cscli.sh, and
# the crowdsec agent in agent.sh and repeat-offender.sh) against `warden run`, twice:
#   1. one daemon on a SQLite store, bans made with `warden ban add|del` in other processes;
#   2. two daemons on one private MariaDB: bans made through node B's CLI must reach the
#      bouncers of node A (needs WARDEN_TEST_MARIADB_DIR, as Tests/run.sh exports it);
#   3. one daemon on a private PostgreSQL cluster, every client of run 1 again (needs
#      WARDEN_TEST_POSTGRES_DIR, as Tests/run.sh exports it);
#   4. TLS client certificates instead of keys (Tests/clients/tls-certificates.sh).
# The first run also checks that every bouncer asks for and inflates gzip answers.
# Usage: bash Tests/support/real-clients.sh   (after `swift build`; needs root and
# Tests/clients/install.sh). Prints the clients' report lines, then `N passed, N failed`.
# WARDEN_BIN_DIR: a folder with warden, warden-daemon and the backends' lib*.so to use
# instead of `swift build --show-bin-path` (e.g. a copy, safe from a rebuild).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root="$PWD"
bin="${WARDEN_BIN_DIR:-$(swift build --show-bin-path)}"
work="$(mktemp -d /tmp/warden-clients.XXXXXX)"
pids=()
cleanup() {
    # A restarted daemon (warden-adapter.sh restart) is known by its pidfile only.
    for pidfile in "$work"/*/config.pid; do [ -f "$pidfile" ] && pids+=("$(cat "$pidfile")"); done
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    # `wait` knows only this shell's children; a restarted daemon is polled for.
    for pid in "${pids[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# node NAME BACKEND-YAML: a config folder for one daemon; prints its config path.
node() {
    local dir="$work/$1" port
    port="$(free_port)"
    mkdir -p "$dir/backends"
    printf '%s\n' "$2" >"$dir/backends/store.yaml"
    cat >"$dir/config.yaml" <<YAML
plugin:
  backend: ./backends
api:
  server:
    listen_uri: 127.0.0.1:$port
    bouncers_file: ./bouncers
YAML
    echo "$dir/config.yaml"
}

# serve CONFIG: starts a daemon, waits for /health, registers the test key; sets `url`.
# Not to be called in $(...): the daemon's pid must reach `pids` in this shell, so that
# the exit trap stops it.
serve() {
    local config="$1" port
    port="$(sed -n 's/^    listen_uri: 127.0.0.1:\([0-9]*\)$/\1/p' "$config")"
    "$bin/warden" -c "$config" bouncers add clients -k "$key" >/dev/null || return 1
    # --debug: one log line per request, naming the answer's encoding (gzip_checks reads them).
    "$bin/warden-daemon" -c "$config" --debug >"${config%.yaml}.log" 2>&1 &
    pids+=($!)
    echo $! >"${config%.yaml}.pid"
    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && { url="http://127.0.0.1:$port"; return 0; }
        sleep 0.1
    done
    echo "warden-daemon did not start; its log:" >&2
    cat "${config%.yaml}.log" >&2
    return 1
}

key="real-clients-key-0123456789"
passed=0
failed=0
# run LABEL URL CONFIG-FOR-BANS [URL-OF-THAT-CONFIG]: the three clients against URL, bans
# made with that config; then cscli as a machine of the daemon of that config (its URL,
# default URL), its bans checked at URL.
run() {
    echo "## $1"
    local output restart=()
    # One daemon: the bouncer tests may restart it too (traefik-plugin.sh's restart checks).
    [ -n "${4:-}" ] || restart=(SERVER_RESTART="$root/Tests/clients/warden-adapter.sh restart"
        WARDEN_PIDFILE="${3%.yaml}.pid" WARDEN_DAEMON="$bin/warden-daemon" WARDEN_LOG="${3%.yaml}.log")
    output="$(env "${restart[@]}" LAPI_URL="$2" LAPI_KEY="$key" WARDEN_CONFIG="$3" WARDEN_BIN="$bin/warden" \
        BAN_ADD="$root/Tests/clients/warden-adapter.sh add" BAN_DEL="$root/Tests/clients/warden-adapter.sh del" \
        bash "$root/Tests/clients/run-all.sh" 2>&1)"
    printf '%s\n' "$output" | sed '$d'
    local last
    last="$(tail -1 <<<"$output")"
    if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
    else
        echo "not ok - the client run for $1 ended without its summary: $last"
        failed=$((failed + 1))
    fi
    # cscli as a machine of one daemon (its deletes are checked on the same daemon's
    # bouncer API at once, which a second node only sees after its next sync).
    # The real agent replays sshd logs (agent.sh, repeat-offender.sh), with restarts of
    # this daemon (warden-adapter.sh restart) and its profiles.yaml (beside the config).
    if [ -z "${4:-}" ]; then
        local test
        for test in cscli.sh agent.sh repeat-offender.sh; do
            echo "# $test"
            output="$(LAPI_URL="$2" LAPI_KEY="$key" WARDEN_CONFIG="$3" WARDEN_BIN="$bin/warden" \
                BAN_DEL="$root/Tests/clients/warden-adapter.sh del" \
                MACHINE_ADD="$root/Tests/clients/warden-adapter.sh machine-add" \
                SERVER_RESTART="$root/Tests/clients/warden-adapter.sh restart" WARDEN_PIDFILE="${3%.yaml}.pid" \
                WARDEN_DAEMON="$bin/warden-daemon" WARDEN_LOG="${3%.yaml}.log" \
                PROFILES_PATH="$(dirname "$3")/profiles.yaml" \
                bash "$root/Tests/clients/$test" 2>&1)"
            count "$output" $? "$test"
        done
    fi
    echo "# cscli-machine.sh"
    output="$(LAPI_URL="$2" MACHINE_URL="${4:-$2}" LAPI_KEY="$key" WARDEN_CONFIG="$3" WARDEN_BIN="$bin/warden" \
        bash "$root/Tests/clients/cscli-machine.sh" 2>&1)"
    count "$output" $? cscli-machine.sh
}

# count OUTPUT STATUS NAME: prints one test's report lines and adds up its checks; a
# script that failed without a failed check (usage error, crash) counts as one failure.
count() {
    local p f
    printf '%s\n' "$1"
    p="$(grep -c '^ok - ' <<<"$1")"
    f="$(grep -c '^not ok - ' <<<"$1")"
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $3 exited $2 without a failed check"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

sqlite_config="$(node sqlite "name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $work/sqlite/warden.db")"
cp config/profiles.yaml "$work/sqlite/profiles.yaml"
# gzip_checks LOG: every bouncer asked for gzip and got its decisions in gzip (the
# background bans make every startup answer larger than the 1 KiB below which Warden
# sends plain JSON). LOG holds the daemon's --debug request lines until its first restart.
gzip_checks() {
    local client pattern
    for client in "crowdsec-firewall-bouncer:crowdsec-firewall-bouncer/" "crowdsec-custom-bouncer:crowdsec-custom-bouncer/" \
        "pycrowdsec:python-bouncer/" "the Traefik plugin:Crowdsec-Bouncer-Traefik-Plugin/"; do
        pattern="${client#*:}"
        if grep -E "GET /v1/decisions(/stream)? 200 [0-9]+µs gzip from .*\($pattern" "$1" >/dev/null; then
            echo "ok - ${client%%:*} asks for gzip (Accept-Encoding) and gets its decisions compressed"
            passed=$((passed + 1))
        else
            echo "not ok - ${client%%:*}: no decisions answer went to it in gzip; its requests:"
            grep -F "(${pattern}" "$1" | grep "/v1/decisions" | head -5 | sed 's/^/#   /'
            failed=$((failed + 1))
        fi
    done
}

if serve "$sqlite_config"; then
    for n in $(seq 10 29); do "$bin/warden" -c "$sqlite_config" ban add ip "100.64.0.$n" 4h background >/dev/null; done
    run "one daemon, SQLite" "$url" "$sqlite_config"
    gzip_checks "${sqlite_config%.yaml}.log"
else
    echo "not ok - warden-daemon on SQLite did not start"
    failed=$((failed + 1))
fi

if [ -n "${WARDEN_TEST_MARIADB_DIR:-}" ] && [ -f "$WARDEN_TEST_MARIADB_DIR/env" ]; then
    # shellcheck source=/dev/null
    . "$WARDEN_TEST_MARIADB_DIR/env"
    mysql_backend="name: mysql
path: $bin/libwarden-backend-mysql.so
config:
  db_host: 127.0.0.1
  db_port: \"$MARIADB_PORT\"
  db_username: $MARIADB_USER
  db_password: $MARIADB_PASSWORD
  db_name: w_clients_$$"
    node_a="$(node node-a "$mysql_backend")"
    node_b="$(node node-b "$mysql_backend")"
    if serve "$node_b" && url_b="$url" && serve "$node_a"; then
        run "two daemons on one MariaDB (bouncers on node A, bans through node B)" "$url" "$node_b" "$url_b"
    else
        echo "not ok - two warden-daemons on MariaDB did not start"
        failed=$((failed + 1))
    fi
else
    echo "note: WARDEN_TEST_MARIADB_DIR not set: the two-node MariaDB run is skipped"
fi

if [ -n "${WARDEN_TEST_POSTGRES_DIR:-}" ] && [ -f "$WARDEN_TEST_POSTGRES_DIR/env" ]; then
    # shellcheck source=/dev/null
    . "$WARDEN_TEST_POSTGRES_DIR/env"
    postgresql_config="$(node postgresql "name: postgresql
path: $bin/libwarden-backend-postgresql.so
config:
  db_host: 127.0.0.1
  db_port: \"$POSTGRES_PORT\"
  db_username: $POSTGRES_USER
  db_password: $POSTGRES_PASSWORD
  db_name: w_clients_$$")"
    cp config/profiles.yaml "$work/postgresql/profiles.yaml"
    if serve "$postgresql_config"; then
        run "one daemon, PostgreSQL" "$url" "$postgresql_config"
    else
        echo "not ok - warden-daemon on PostgreSQL did not start"
        failed=$((failed + 1))
    fi
else
    echo "note: WARDEN_TEST_POSTGRES_DIR not set: the PostgreSQL run is skipped"
fi
echo "## TLS client certificates (Warden beside CrowdSec 1.4.6, then the real clients with certificates)"
output="$(WARDEN_BIN_DIR="$bin" bash "$root/Tests/clients/tls-certificates.sh" 2>&1)"
count "$output" $? tls-certificates.sh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
