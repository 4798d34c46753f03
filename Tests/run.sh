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

# The XCTest totals again, last, as one plain line.
summary="$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with" "$log" | tail -1)"
executed="$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')"
failed="$(echo "$summary" | sed -E 's/.* ([0-9]+) failures? \(.*/\1/')"
skipped="$(echo "$summary" | sed -nE 's/.*with ([0-9]+) tests? skipped.*/\1/p')"
echo "$((executed - failed - ${skipped:-0})) passed, $failed failed, ${skipped:-0} skipped"
