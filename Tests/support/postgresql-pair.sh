#!/usr/bin/env bash
# A private PostgreSQL primary and hot standby on loopback for failover tests: streaming
# replication set up with pg_basebackup, SYNCHRONOUS (a commit is acknowledged once the
# standby has it, so a failover loses nothing a client was told is stored). Each server
# has its own folder under DIR and a free port; they run as the 'postgres' system user.
#   Tests/support/postgresql-pair.sh up DIR        create and start both; writes DIR/env
#   Tests/support/postgresql-pair.sh kill DIR 1    kill -9 the primary (a crash)
#   Tests/support/postgresql-pair.sh promote DIR   promote the standby to primary
#   Tests/support/postgresql-pair.sh down DIR      stop both and delete DIR
# DIR/env holds POSTGRES_PRIMARY_PORT, POSTGRES_STANDBY_PORT, POSTGRES_USER, POSTGRES_PASSWORD.
set -euo pipefail
action="${1:?usage: postgresql-pair.sh up|kill|promote|down DIR}"
dir="${2:?usage: postgresql-pair.sh up|kill|promote|down DIR}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] || { echo "postgresql-pair.sh: no /usr/lib/postgresql/*/bin; install Debian's postgresql" >&2; exit 1; }
user="warden"
password="warden-test-password"

as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
running() { [ -f "$dir/$1/postmaster.pid" ] && kill -0 "$(head -1 "$dir/$1/postmaster.pid")" 2>/dev/null; }
start() {  # start primary|standby
    as_owner "$bin/pg_ctl" -D "$dir/$1" -l "$dir/$1.log" -w -t 60 \
        -o "-p $(cat "$dir/$1.port") -k $dir -c listen_addresses=127.0.0.1" start >/dev/null \
        || { echo "postgresql ($1) did not start; log:" >&2; tail -20 "$dir/$1.log" >&2; return 1; }
}
stop() {
    running "$1" || return 0
    as_owner "$bin/pg_ctl" -D "$dir/$1" -m fast -w -t 60 stop >/dev/null 2>&1 \
        || kill -KILL "$(head -1 "$dir/$1/postmaster.pid")" 2>/dev/null || true
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

case "$action" in
    up)
        mkdir -p "$dir"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres: "$dir"
            runuser -u postgres -- test -w "$dir" || {
                echo "postgresql-pair.sh: the postgres user cannot reach $dir; choose a folder under /tmp" >&2; exit 1; }
        fi
        free_port >"$dir/primary.port"
        free_port >"$dir/standby.port"
        as_owner "$bin/initdb" -D "$dir/primary" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer \
            --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
        cat >>"$dir/primary/postgresql.conf" <<CONF
max_connections = 200
shared_buffers = 64MB
unix_socket_permissions = 0777
wal_level = replica
max_wal_senders = 4
hot_standby = on
CONF
        start primary
        as_owner "$bin/psql" -X -q -h "$dir" -p "$(cat "$dir/primary.port")" -U postgres -d postgres \
            -c "CREATE ROLE $user LOGIN CREATEDB PASSWORD '$password'" >/dev/null
        # Through the unix socket (peer authentication, as initdb's pg_hba.conf allows replication).
        # -R writes standby.signal and primary_conninfo; '*' below makes the standby synchronous.
        as_owner "$bin/pg_basebackup" -w -h "$dir" -p "$(cat "$dir/primary.port")" -U postgres -D "$dir/standby" \
            -R -X stream >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
        start standby
        # Synchronous only now: with no standby attached, a commit would wait for ever.
        as_owner "$bin/psql" -X -q -h "$dir" -p "$(cat "$dir/primary.port")" -U postgres -d postgres \
            -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
        for _ in $(seq 120); do
            state="$(as_owner "$bin/psql" -X -Atq -h "$dir" -p "$(cat "$dir/primary.port")" -U postgres -d postgres \
                -c "SELECT sync_state FROM pg_stat_replication" 2>/dev/null || true)"
            [ "$state" = sync ] && break
            sleep 0.25
        done
        [ "$state" = sync ] || { echo "postgresql-pair.sh: the standby is not a synchronous replica ($state)" >&2; exit 1; }
        printf 'POSTGRES_PRIMARY_PORT=%s\nPOSTGRES_STANDBY_PORT=%s\nPOSTGRES_USER=%s\nPOSTGRES_PASSWORD=%s\n' \
            "$(cat "$dir/primary.port")" "$(cat "$dir/standby.port")" "$user" "$password" >"$dir/env"
        ;;
    kill)
        [ "${3:-1}" = 1 ] || { echo "postgresql-pair.sh kill: only the primary (1) is killed" >&2; exit 64; }
        pid="$(head -1 "$dir/primary/postmaster.pid")"
        kill -KILL "$pid"
        while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
        # Its children (backends, walsender) end once the postmaster is gone.
        for _ in $(seq 100); do pgrep -f -- "-D $dir/primary" >/dev/null || break; sleep 0.05; done
        ;;
    promote)
        as_owner "$bin/pg_ctl" -D "$dir/standby" -w -t 60 promote >/dev/null
        ;;
    down)
        stop standby
        stop primary
        rm -rf "$dir"
        ;;
    *) echo "usage: postgresql-pair.sh up|kill|promote|down DIR" >&2; exit 64 ;;
esac
