#!/usr/bin/env bash
# A private MariaDB server for tests and benchmarks: its own datadir, socket and
# free TCP port under DIR, no systemd, no /etc/mysql. Never touches a system server.
#   Tests/support/mariadb.sh up DIR      create (if needed) and start; writes DIR/env
#   Tests/support/mariadb.sh stop DIR    stop, keep the data
#   Tests/support/mariadb.sh start DIR   start again on the same port
#   Tests/support/mariadb.sh down DIR    stop and delete DIR
# DIR/env holds MARIADB_SOCKET, MARIADB_PORT, MARIADB_USER, MARIADB_PASSWORD (source it).
set -euo pipefail
action="${1:?usage: mariadb.sh up|stop|start|down DIR}"
dir="${2:?usage: mariadb.sh up|stop|start|down DIR}"
export PATH="/usr/sbin:/usr/bin:$PATH"
sock="$dir/mysqld.sock"
pidfile="$dir/mysqld.pid"
user="warden"
password="warden-test-password"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
    local port
    port="$(cat "$dir/port")"
    # --no-defaults must come first: Debian's /etc/mysql points the socket elsewhere.
    mariadbd --no-defaults --user="$(id -un)" --datadir="$dir/data" --socket="$sock" --port="$port" \
        --bind-address=127.0.0.1 --pid-file="$pidfile" --log-error="$dir/mysqld.err" --skip-name-resolve \
        --innodb-buffer-pool-size=256M </dev/null >/dev/null 2>&1 &
    for _ in $(seq 120); do
        mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    echo "mariadb did not start in 30 s; log:" >&2
    tail -20 "$dir/mysqld.err" >&2
    return 1
}

stop() {
    running || return 0
    local pid
    pid="$(cat "$pidfile")"
    mariadb-admin --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 || kill -TERM "$pid"
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
}

case "$action" in
    up)
        mkdir -p "$dir"
        running && exit 0
        if [ ! -d "$dir/data/mysql" ]; then
            mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$dir/data" \
                --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 \
                || { cat "$dir/install.log" >&2; exit 1; }
            python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$dir/port"
            start
            mariadb --no-defaults --socket="$sock" -uroot <<SQL
CREATE USER '$user'@'localhost' IDENTIFIED BY '$password';
CREATE USER '$user'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL ON *.* TO '$user'@'localhost';
GRANT ALL ON *.* TO '$user'@'127.0.0.1';
SQL
        else
            start
        fi
        printf 'MARIADB_SOCKET=%s\nMARIADB_PORT=%s\nMARIADB_USER=%s\nMARIADB_PASSWORD=%s\n' \
            "$sock" "$(cat "$dir/port")" "$user" "$password" >"$dir/env"
        ;;
    stop) stop ;;
    start) running || start ;;
    down) stop; rm -rf "$dir" ;;
    *) echo "usage: mariadb.sh up|stop|start|down DIR" >&2; exit 64 ;;
esac
