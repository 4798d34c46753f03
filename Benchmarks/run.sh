#!/usr/bin/env bash
# Runs Warden's benchmarks: builds the release products and the raw C baselines,
# then measures each backend through the ABI against raw C in the same run, and
# writes the results to a file. See --help.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/run.sh [--sizes N,N,...] [--large] [--processes N] [--out FILE] [--smoke]

  --sizes N,...   row counts to measure (default 10000,100000)
  --large         add N=1000000 (several minutes more)
  --processes N   whole `warden ban add` processes to time per size (default 200)
  --out FILE      where to write the results (default Benchmarks/results/<date>.txt)
  --smoke         tiny run (N=1000, 5 processes) that only checks that everything runs

Prints one line per figure (backend, n, op, ms, raw C ms, ratio, target) and a
summary table; progress goes to stderr. Needs root or sudo for missing apt packages.
TEXT
}
here="$(cd "$(dirname "$0")/.." && pwd)"
sizes=10000,100000
processes=200
out=""
smoke=0
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --large) sizes="$sizes,1000000"; shift ;;
        --processes) processes="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --smoke) smoke=1; sizes=1000; processes=5; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 64 ;;
    esac
done
export PATH="/opt/swift/usr/bin:$PATH"
cd "$here"
bash Tests/support/install-deps.sh --with-mariadb --with-postgresql

echo "building release products..." >&2
swift build -c release --static-swift-stdlib --product warden >&2
swift build -c release --product warden-bench >&2
swift build -c release --product warden-backend-sqlite >&2
swift build -c release --product warden-backend-mysql >&2
swift build -c release --product warden-backend-postgresql >&2
bin="$(swift build -c release --show-bin-path)"
raw="$here/.build-bench"
mkdir -p "$raw"
gcc -O2 -Wall -Wextra -Werror -o "$raw/raw_sqlite" Benchmarks/raw/raw_sqlite.c -lsqlite3
gcc -O2 -Wall -Wextra -Werror -o "$raw/raw_mariadb" Benchmarks/raw/raw_mariadb.c $(pkg-config --cflags --libs libmariadb)
gcc -O2 -Wall -Wextra -Werror -o "$raw/raw_postgresql" Benchmarks/raw/raw_postgresql.c -I"$(pg_config --includedir)" -lpq

if [ -z "$out" ]; then
    mkdir -p Benchmarks/results
    suffix=""
    if [ "$smoke" = 1 ]; then suffix="-smoke"; fi
    out="Benchmarks/results/$(date -u +%Y-%m-%d)$suffix.txt"
fi
work="$(mktemp -d /tmp/warden-bench.XXXXXX)"
chmod 711 "$work"  # the PostgreSQL server runs as 'postgres' when we are root: it must reach $work/postgresql
trap 'bash Tests/support/postgresql.sh down "$work/postgresql" || true
      bash Tests/support/mariadb.sh down "$work/mariadb" || true; rm -rf "$work"' EXIT
echo "starting a private MariaDB server..." >&2
bash Tests/support/mariadb.sh up "$work/mariadb"
set -a; . "$work/mariadb/env"; set +a
mariadb --no-defaults --socket="$MARIADB_SOCKET" -uroot -e "CREATE DATABASE raw_bench"
export MARIADB_HOST=127.0.0.1 MARIADB_DB=raw_bench
echo "starting a private PostgreSQL cluster..." >&2
bash Tests/support/postgresql.sh up "$work/postgresql"
set -a; . "$work/postgresql/env"; set +a
# raw_bench for raw_postgresql; the backend creates its own (warden_bench_N).
PGPASSWORD="$POSTGRES_PASSWORD" psql -X -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres \
    -c "CREATE DATABASE raw_bench"
pg_version="$(PGPASSWORD="$POSTGRES_PASSWORD" psql -X -Atq -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" \
    -d postgres -c "SHOW server_version" | cut -d' ' -f1)"
export POSTGRES_HOST=127.0.0.1 POSTGRES_DB=raw_bench
{
    echo "# warden-bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(uname -m), SQLite $(pkg-config --modversion sqlite3)," \
        "$(mariadbd --version | sed -E 's/.*Ver ([^ ]+).*/MariaDB \1/'), Connector/C $(pkg-config --modversion libmariadb)," \
        "PostgreSQL $pg_version, libpq $(pkg-config --modversion libpq)"
    "$bin/warden-bench" --backend sqlite --sizes "$sizes" --processes "$processes" --raw-c "$raw/raw_sqlite" \
        --work-dir "$work"
    "$bin/warden-bench" --backend mysql --sizes "$sizes" --processes "$processes" --raw-c "$raw/raw_mariadb" \
        --work-dir "$work" --config db_host=127.0.0.1 --config "db_port=$MARIADB_PORT" \
        --config "db_username=$MARIADB_USER" --config "db_password=$MARIADB_PASSWORD"
    "$bin/warden-bench" --backend postgresql --sizes "$sizes" --processes "$processes" --raw-c "$raw/raw_postgresql" \
        --work-dir "$work" --config db_host=127.0.0.1 --config "db_port=$POSTGRES_PORT" \
        --config "db_username=$POSTGRES_USER" --config "db_password=$POSTGRES_PASSWORD"
    # Bulk import: `warden ban import` of a CSV against `warden-bench import` of the same targets.
    bash Benchmarks/import.sh "$bin" --sizes "$sizes" \
        --mysql "127.0.0.1:$MARIADB_PORT:$MARIADB_USER:$MARIADB_PASSWORD"
} | tee "$out"
echo "results written to $out" >&2
