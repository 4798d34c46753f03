#!/usr/bin/env bash
# Runs Warden's whole test suite: installs what is missing, builds every product
# (backends included), runs the tests, then runs the benchmark once at a tiny N
# so it never rots. Usage: bash Tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

bash Tests/support/install-deps.sh --with-mariadb

echo "== build (debug, with tests)"
swift build --build-tests

echo "== tests"
swift test --skip-build

echo "== benchmark smoke run (tiny N; figures not judged)"
bash Benchmarks/run.sh --smoke
