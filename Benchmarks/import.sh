#!/usr/bin/env bash
# `warden ban import` of N rows against `warden-bench import` of the same N targets,
# in the same run, on fresh stores: the import must stay within 1.5x of the bulk
# loader (the bans are the same; the import also parses CSV and checks the allowlist).
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/import.sh BIN [--sizes N,N,...] [--mysql HOST:PORT:USER:PASSWORD]

  BIN            folder of the release warden, warden-bench and backend libraries
  --sizes N,...  row counts (default 100000)
  --mysql ...    also measure the MySQL backend on this server (one database per run,
                 created and dropped with the `mariadb` client over TCP)

Prints one line per backend and size: the two times, their ratio and the target.
TEXT
}
[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && { usage; exit 0; }
[ $# -ge 1 ] || { usage >&2; exit 64; }
bin="$1"
shift
sizes=100000
mysql=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --mysql) mysql="$2"; shift 2 ;;
        *) echo "import.sh: unknown option: $1" >&2; usage >&2; exit 64 ;;
    esac
done
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d /tmp/warden-import-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# config DIR BACKEND RUN: a main config in DIR with one backend whose store is new.
config() {
    local dir="$1" backend="$2" run="$3"
    mkdir -p "$dir/backends"
    printf 'plugin:\n  backend: ./backends\n' >"$dir/config.yaml"
    if [ "$backend" = sqlite ]; then
        printf 'name: sqlite\npath: %s\nconfig:\n  db_path: %s\n' "$bin/libwarden-backend-sqlite.so" "$dir/warden.db" \
            >"$dir/backends/sqlite.yaml"
    else
        IFS=: read -r host port user password <<<"$mysql"
        mariadb --no-defaults -h "$host" -P "$port" -u "$user" -p"$password" -e "CREATE DATABASE import_$run"
        printf 'name: mysql\npath: %s\nconfig:\n  db_host: %s\n  db_port: %s\n  db_username: %s\n  db_password: %s\n  db_name: import_%s\n' \
            "$bin/libwarden-backend-mysql.so" "$host" "$port" "$user" "$password" "$run" >"$dir/backends/mysql.yaml"
    fi
}

drop() {
    [ "$1" = mysql ] || return 0
    IFS=: read -r host port user password <<<"$mysql"
    mariadb --no-defaults -h "$host" -P "$port" -u "$user" -p"$password" -e "DROP DATABASE import_$2"
}

backends=(sqlite)
[ -n "$mysql" ] && backends+=(mysql)
for n in ${sizes//,/ }; do
    bash "$here/api/targets.sh" "$n" >"$work/targets-$n"
    { echo value; cat "$work/targets-$n"; } >"$work/rows-$n.csv"
    for backend in "${backends[@]}"; do
        config "$work/bench-$backend-$n" "$backend" "bench_$n"
        start=$(now_ms)
        "$bin/warden-bench" import -c "$work/bench-$backend-$n/config.yaml" "$work/targets-$n" 24h 2>/dev/null
        bench=$(( $(now_ms) - start ))
        drop "$backend" "bench_$n"
        config "$work/import-$backend-$n" "$backend" "cli_$n"
        start=$(now_ms)
        "$bin/warden" -c "$work/import-$backend-$n/config.yaml" ban import "$work/rows-$n.csv" --duration 24h >/dev/null
        import=$(( $(now_ms) - start ))
        drop "$backend" "cli_$n"
        awk -v b="$backend" -v n="$n" -v bench="$bench" -v import="$import" 'BEGIN {
            ratio = import / (bench > 0 ? bench : 1)
            printf "%-6s n=%-8d import: warden ban import %6d ms, warden-bench import %6d ms, ratio %.2f (target <= 1.50) %s\n",
                b, n, import, bench, ratio, ratio <= 1.5 ? "ok" : "MISSED"
        }'
    done
done
