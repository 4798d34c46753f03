#!/usr/bin/env bash
# Runs the C boundary under valgrind memcheck and prints one verdict line per run:
#   1. one XCTest process: the loader tests (every fault fixture), the history tests and the conformance
#      suite of every backend (dummy, sqlite, mysql array and multi-row, postgresql, C and Rust examples);
#   2. the real `warden` CLI, one process per command, against SQLite, MySQL and PostgreSQL at once;
#   3. the C example and the loader's fault fixtures built with AddressSanitizer, which
#      also sees overflows of C globals and stack arrays (valgrind sees heap blocks only).
# A run fails on any invalid read or write, use of an uninitialised value, bad free,
# definite leak (Tests/support/valgrind.supp lists, with reasons, the few that are not
# ours), on a thread a backend started that still runs at exit, or when the command
# itself fails. Exits 1 when any run failed; the failing logs are kept and named.
# Usage: bash Tests/support/memcheck.sh   (after `swift build --build-tests -Xcc -gdwarf-4`:
# valgrind 3.19 cannot read the DWARF 5 that clang writes for C code such as BoringSSL)
# MySQL runs use the server of WARDEN_TEST_MARIADB_DIR (Tests/run.sh exports it), or start one;
# PostgreSQL runs, likewise, the cluster of WARDEN_TEST_POSTGRES_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
bin="$root/.build/debug"
logs="$(mktemp -d /tmp/warden-memcheck.XXXXXX)"
failures=0

own_mariadb="" own_postgres=""
cleanup() {
    [ -n "$own_mariadb" ] && bash Tests/support/mariadb.sh down "$own_mariadb"
    [ -n "$own_postgres" ] && bash Tests/support/postgresql.sh down "$own_postgres"
    [ "$failures" -eq 0 ] && rm -rf "$logs"
    return 0
}
trap cleanup EXIT
if [ -z "${WARDEN_TEST_MARIADB_DIR:-}" ]; then
    own_mariadb="$(mktemp -d /tmp/warden-mariadb.XXXXXX)"
    bash Tests/support/mariadb.sh up "$own_mariadb"
    export WARDEN_TEST_MARIADB_DIR="$own_mariadb"
fi
if [ -z "${WARDEN_TEST_POSTGRES_DIR:-}" ]; then
    own_postgres="$(mktemp -d /tmp/warden-postgres.XXXXXX)"
    bash Tests/support/postgresql.sh up "$own_postgres"
    export WARDEN_TEST_POSTGRES_DIR="$own_postgres"
fi

valgrind_options=(
    --tool=memcheck --error-exitcode=99 --child-silent-after-fork=yes --num-callers=40
    --leak-check=full --errors-for-leak-kinds=definite
    # Possibly-lost blocks are shown (not counted) only for the thread check below.
    --show-leak-kinds=definite,possible
    --suppressions="$root/Tests/support/valgrind.supp"
)

# A thread still running at exit leaves its TLS block "possibly lost", allocated by
# pthread_create; it is a backend's when the stack passes through a host call
# (LoadedBackend), whatever language the backend is in.
running_backend_threads() {
    awk '/lost in loss record/ { possible = /possibly lost/; dtv = 0; next }
         possible && /allocate_dtv/ { dtv = 1 }
         possible && dtv && /LoadedBackend/ { n++; possible = 0 }
         END { print n + 0 }' "$1"
}

# run NAME COMMAND...: runs COMMAND under valgrind and prints its verdict.
run() {
    local name="$1" log status=0 start=$SECONDS
    log="$logs/$(printf '%s' "${1%%:*}-${1#*: }" | tr -cs 'A-Za-z0-9.' '-').log"
    shift
    valgrind "${valgrind_options[@]}" --log-file="$log.vg" "$@" >"$log" 2>&1 || status=$?
    local errors threads problem=""
    errors="$(sed -nE 's/.*ERROR SUMMARY: ([0-9]+) errors?.*/\1/p' "$log.vg" | tail -1)"
    threads="$(running_backend_threads "$log.vg")"
    if [ -z "$errors" ]; then
        problem="valgrind did not finish (exit $status)"
    elif [ "$errors" -gt 0 ]; then
        problem="$errors memcheck error(s): $(grep -m1 -oE '== (Invalid|Conditional|Use of|Mismatched|.*definitely lost).*' "$log.vg" | sed 's/^== //')"
    elif [ "$threads" -gt 0 ]; then
        problem="$threads backend thread(s) still running at exit"
    elif [ "$status" -ne 0 ]; then
        problem="the command failed (exit $status)"
    fi
    local took=$((SECONDS - start))
    if [ -z "$problem" ]; then
        echo "memcheck: PASS  $name (${took}s)"
    else
        failures=$((failures + 1))
        echo "memcheck: FAIL  $name (${took}s): $problem; output: $log, valgrind log: $log.vg"
        grep -m1 -A24 -E '== (Invalid|Conditional|Use of|Mismatched|[0-9,]+ .*definitely lost)' "$log.vg" | sed 's/^/    /' || true
    fi
}

echo "== memcheck (valgrind $(valgrind --version | sed 's/valgrind-//'))"

# 1. Loader tests, every backend's conformance suite and the store's history across
# backends (records read back through the ABI, malformed ones refused), in one test process.
run "xctest: loader tests, conformance of every backend, history" \
    "$bin/WardenPackageTests.xctest" \
    "WardenBackendHostTests.BackendLoaderTests,BackendsTests.ConformanceTests,WardenStoreTests.HistoryStoreTests,BackendsTests.HistoryFaultTests"
skipped="$(grep -oE "Test Case '[^']+' skipped" "$logs"/xctest*.log | sed -E "s/.*'([^']+)'.*/\1/" | tr '\n' ' ' || true)"
[ -n "$skipped" ] && echo "memcheck: note  skipped under valgrind: $skipped"

# 2. The CLI against SQLite, MySQL and PostgreSQL (each command loads the three backends).
. "$WARDEN_TEST_MARIADB_DIR/env"
. "$WARDEN_TEST_POSTGRES_DIR/env"
env_dir="$logs/cli"
mkdir -p "$env_dir/plugins"
printf 'plugin:\n  backend: ./plugins\n' >"$env_dir/config.yaml"
cat >"$env_dir/plugins/sqlite.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $env_dir/warden.db
YAML
cat >"$env_dir/plugins/mysql.yaml" <<YAML
name: mysql
path: $bin/libwarden-backend-mysql.so
config:
  db_host: 127.0.0.1
  db_port: "$MARIADB_PORT"
  db_username: $MARIADB_USER
  db_password: $MARIADB_PASSWORD
  db_name: w_memcheck_$$
YAML
cat >"$env_dir/plugins/postgresql.yaml" <<YAML
name: postgresql
path: $bin/libwarden-backend-postgresql.so
config:
  db_host: 127.0.0.1
  db_port: "$POSTGRES_PORT"
  db_username: $POSTGRES_USER
  db_password: $POSTGRES_PASSWORD
  db_name: w_memcheck_$$
YAML
warden=("$bin/warden" -c "$env_dir/config.yaml")
run "cli: ban add ip" "${warden[@]}" ban add ip 192.0.2.7 4h ssh bruteforce
run "cli: ban add range" "${warden[@]}" ban add range 198.51.100.0/24 4h scan
run "cli: ban list" "${warden[@]}" ban list
run "cli: ban list -o json" "${warden[@]}" -o json ban list
run "cli: ban list -o raw" "${warden[@]}" -o raw ban list
run "cli: ban del ip" "${warden[@]}" ban del ip 192.0.2.7
run "cli: ban flush" "${warden[@]}" ban flush
run "cli: backends list" "${warden[@]}" backends list
run "cli: backends check sqlite" "${warden[@]}" backends check "$bin/libwarden-backend-sqlite.so"
run "cli: backends check mysql" "${warden[@]}" backends check "$bin/libwarden-backend-mysql.so"
run "cli: backends check postgresql" "${warden[@]}" backends check "$bin/libwarden-backend-postgresql.so"

# 3. The C pieces with AddressSanitizer: the runtime is preloaded into the (uninstrumented)
# test process, CCompiler adds the flags. Leaks are valgrind's job above (LSan would also
# report the Swift runtime's caches).
start=$SECONDS
log="$logs/asan-c-pieces.log"
if LD_PRELOAD="$(cc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0 \
    WARDEN_TEST_CFLAGS="-fsanitize=address -fno-omit-frame-pointer" \
    "$bin/WardenPackageTests.xctest" "WardenBackendHostTests.BackendLoaderTests,BackendsTests.ConformanceTests/testCExampleBackend,BackendsTests.FeedFaultTests,BackendsTests.HistoryFaultTests" \
    >"$log" 2>&1; then
    echo "memcheck: PASS  asan: C example and fault fixtures ($((SECONDS - start))s)"
else
    failures=$((failures + 1))
    echo "memcheck: FAIL  asan: C example and fault fixtures ($((SECONDS - start))s): output: $log"
    grep -m1 -A12 'ERROR: AddressSanitizer' "$log" | sed 's/^/    /' || tail -20 "$log" | sed 's/^/    /'
fi

if [ "$failures" -gt 0 ]; then
    echo "memcheck: $failures run(s) FAILED (logs kept in $logs)"
    exit 1
fi
echo "memcheck: every run clean"
