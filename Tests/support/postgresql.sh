#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and benchmarks: its own data directory, unix
# socket directory and free TCP port on 127.0.0.1 under DIR, no systemd, no
# pg_ctlcluster, never a system cluster. The server runs as the 'postgres' system user
# (initdb refuses root); DIR is handed to that user.
#   Tests/support/postgresql.sh up DIR      create (if needed) and start; writes DIR/env
#   Tests/support/postgresql.sh stop DIR    stop, keep the data
#   Tests/support/postgresql.sh start DIR   start again on the same port
#   Tests/support/postgresql.sh down DIR    stop and delete DIR
# DIR/env holds POSTGRES_HOST, POSTGRES_SOCKET_DIR, POSTGRES_PORT, POSTGRES_USER,
# POSTGRES_PASSWORD (source it). The user owns every database it creates.
set -euo pipefail
action="${1:?usage: postgresql.sh up|stop|start|down DIR}"
dir="${2:?usage: postgresql.sh up|stop|start|down DIR}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] || { echo "postgresql.sh: no /usr/lib/postgresql/*/bin; install Debian's postgresql" >&2; exit 1; }
data="$dir/data"
user="warden"
password="warden-test-password"

# Runs a command as the cluster's owner when this script runs as root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$data/postmaster.pid" ] && kill -0 "$(head -1 "$data/postmaster.pid")" 2>/dev/null; }

start() {
    local port
    port="$(cat "$dir/port")"
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null \
        || { echo "postgresql did not start in 60 s; log:" >&2; tail -20 "$dir/server.log" >&2; return 1; }
}

stop() {
    running || return 0
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 \
        || kill -KILL "$(head -1 "$data/postmaster.pid")" 2>/dev/null || true
}

case "$action" in
    up)
        mkdir -p "$dir"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres: "$dir"
            runuser -u postgres -- test -w "$dir" || {
                echo "postgresql.sh: the postgres user cannot reach $dir (a folder above it is closed to others);" \
                    "choose a folder under /tmp" >&2
                exit 1
            }
        fi
        running && exit 0
        if [ ! -f "$data/PG_VERSION" ]; then
            as_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer \
                --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
            # Tests and benchmarks measure the backend, not fsync of a throwaway cluster: keep
            # durability settings as shipped, but a small cluster that starts fast.
            printf '%s\n' "max_connections = 200" "shared_buffers = 128MB" "unix_socket_permissions = 0777" \
                >>"$data/postgresql.conf"
            python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$dir/port"
            start
            as_owner "$bin/psql" -X -q -h "$dir" -p "$(cat "$dir/port")" -U postgres -d postgres \
                -c "CREATE ROLE $user LOGIN CREATEDB PASSWORD '$password'" >/dev/null
        else
            start
        fi
        printf 'POSTGRES_HOST=127.0.0.1\nPOSTGRES_SOCKET_DIR=%s\nPOSTGRES_PORT=%s\nPOSTGRES_USER=%s\nPOSTGRES_PASSWORD=%s\n' \
            "$dir" "$(cat "$dir/port")" "$user" "$password" >"$dir/env"
        ;;
    stop) stop ;;
    start) running || start ;;
    down) stop; rm -rf "$dir" ;;
    *) echo "usage: postgresql.sh up|stop|start|down DIR" >&2; exit 64 ;;
esac
