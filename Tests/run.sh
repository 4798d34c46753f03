#!/usr/bin/env bash
# Runs Warden's whole test suite: installs what is missing, builds every product
# (backends included), runs the tests, runs the C boundary again under valgrind
# (Tests/support/memcheck.sh), then runs the benchmark once at a tiny N so it
# never rots. Usage: bash Tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:${HOME:-/root}/.cargo/bin:$PATH"  # cargo builds the Rust example backend

bash Tests/support/install-deps.sh --with-mariadb --with-valgrind

echo "== build (debug, with tests)"
swift build --build-tests

echo "== private MariaDB server for the MySQL backend's tests"
export WARDEN_TEST_MARIADB_DIR="$(mktemp -d /tmp/warden-mariadb.XXXXXX)"
log="$(mktemp)"
trap 'bash Tests/support/mariadb.sh down "$WARDEN_TEST_MARIADB_DIR"; rm -f "$log"' EXIT
bash Tests/support/mariadb.sh up "$WARDEN_TEST_MARIADB_DIR"

echo "== tests"
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log"

# The loader tests, every backend's conformance suite and the CLI again, under valgrind.
bash Tests/support/memcheck.sh

echo "== benchmark smoke run (tiny N; figures not judged)"
bash Benchmarks/run.sh --smoke

# ---- test_env.sh: the README's Quick start, as written, in fresh environments ----
# Both runs share one release build; the --mysql one starts its own MariaDB, which
# the subshell's trap stops (with everything else it made) however the step ends.
echo "== test_env.sh, then the Quick start's ban add and ban list (sqlite alone; sqlite and mysql)"
(
    repo="$PWD" envs="$(mktemp -d /tmp/warden-test-env.XXXXXX)"
    trap 'bash "$repo/Tests/support/mariadb.sh" down "$envs/mysql/mariadb"; rm -rf "$envs"' EXIT
    ./test_env.sh -d "$envs/sqlite" >/dev/null
    ./test_env.sh --mysql -d "$envs/mysql" >/dev/null
    for env in sqlite mysql; do
        (cd "$envs/$env" && ./warden -c dev.yaml ban add ip 192.0.2.7 4h ssh bruteforce \
            && ./warden -c dev.yaml ban list) | tee "$envs/$env.out"
        grep -Eq "^cli +192\.0\.2\.7 +ssh bruteforce " "$envs/$env.out" \
            || { echo "test_env ($env): ban list does not show the ban just added" >&2; exit 1; }
    done
    cd "$envs/mysql"
    ./warden -c dev.yaml backends list | tee "$envs/backends.out"
    for backend in mysql sqlite; do
        grep -Eq "^$backend .* loaded$" "$envs/backends.out" \
            || { echo "test_env --mysql: backend $backend is not loaded" >&2; exit 1; }
    done
    ./warden -c dev.yaml ban list --backend mysql | grep -Eq "^cli +192\.0\.2\.7 +ssh bruteforce " \
        || { echo "test_env --mysql: the ban is not in the MySQL backend" >&2; exit 1; }
)
# ---- end of the test_env.sh step ----

# The XCTest totals again, last, as one plain line.
summary="$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with" "$log" | tail -1)"
executed="$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')"
failed="$(echo "$summary" | sed -E 's/.* ([0-9]+) failures? \(.*/\1/')"
skipped="$(echo "$summary" | sed -nE 's/.*with ([0-9]+) tests? skipped.*/\1/p')"
echo "$((executed - failed - ${skipped:-0})) passed, $failed failed, ${skipped:-0} skipped"
