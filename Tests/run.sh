#!/usr/bin/env bash
# Runs Warden's whole test suite: installs what is missing, checks the modules' one-way
# dependencies (Tests/support/check-dependencies.py), builds every product
# (backends and the daemon included), runs the tests, runs CrowdSec's real bouncers
# against `warden run` (Tests/support/real-clients.sh), the differential test against
# CrowdSec's LAPI (Tests/differential/run.sh), clusters that lose a node (Tests/cluster:
# Galera, PostgreSQL primary and standby), the hardening checks against a running
# daemon (Tests/faults: a full disk, a database outage, a sick backend; Tests/hardening:
# slow clients and a login flood; Tests/api: schemathesis over openapi.yaml; Fuzz: a short
# libFuzzer run of every parser; Tests/clients/migrate-crowdsec.sh: `warden migrate crowdsec`
# from the real CrowdSec 1.4.6), runs the C boundary again
# under valgrind (Tests/support/memcheck.sh), runs the benchmark once at a tiny N (and
# the notification benchmark for a second per case) so they never rot, then the
# README's Quick start and Local API walk-through in fresh test environments, and the
# Debian package built from that release build (Tests/package/run.sh).
# Usage: bash Tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:${HOME:-/root}/.cargo/bin:$PATH"  # cargo builds the Rust example backend

bash Tests/support/install-deps.sh --with-mariadb --with-postgresql --with-galera --with-valgrind --with-go --with-hardening
bash Tests/clients/install.sh   # crowdsec's bouncers, ipset, pycrowdsec: the real clients of the Local API

echo "== dependency check: what Package.swift declares and the sources import (README, Layout)"
python3 Tests/support/check-dependencies.py --self-test
python3 Tests/support/check-dependencies.py

echo "== build (debug, with tests)"
swift build --build-tests -Xcc -gdwarf-4  # DWARF 4: valgrind 3.19 cannot read the DWARF 5 clang writes by default

echo "== private MariaDB server and PostgreSQL cluster for the MySQL and PostgreSQL backends' tests"
export WARDEN_TEST_MARIADB_DIR="$(mktemp -d /tmp/warden-mariadb.XXXXXX)"
export WARDEN_TEST_POSTGRES_DIR="$(mktemp -d /tmp/warden-postgres.XXXXXX)"
log="$(mktemp)" clients_log="$(mktemp)" differential_log="$(mktemp)"
hardening_logs="$(mktemp -d)"  # one log per step, each ending `N passed, N failed`
trap 'bash Tests/support/mariadb.sh down "$WARDEN_TEST_MARIADB_DIR"; bash Tests/support/postgresql.sh down "$WARDEN_TEST_POSTGRES_DIR"
      rm -rf "$log" "$clients_log" "$differential_log" "$hardening_logs"' EXIT
bash Tests/support/mariadb.sh up "$WARDEN_TEST_MARIADB_DIR"
bash Tests/support/postgresql.sh up "$WARDEN_TEST_POSTGRES_DIR"

echo "== tests"
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log"

echo "== real clients: crowdsec-firewall-bouncer, crowdsec-custom-bouncer, pycrowdsec, the Traefik plugin against warden run"
bash Tests/support/real-clients.sh 2>&1 | tee "$clients_log"

echo "== differential: seeded random operations into warden run and CrowdSec 1.4.6's LAPI, bouncers compared"
bash Tests/differential/run.sh 2>&1 | tee "$differential_log" || true  # counted in the summary (sequences)

# Each counted in the summary from its last line.
echo "== faults under a running daemon: SQLite disk full, MariaDB outage, a sick backend beside SQLite"
bash Tests/faults/run.sh 2>&1 | tee "$hardening_logs/faults" || true
echo "== clusters that lose a node: 3-node Galera, PostgreSQL primary and standby, a daemon per node"
bash Tests/cluster/run.sh 2>&1 | tee "$hardening_logs/cluster" || true
echo "== hostile clients: 2,000 slow connections and a login flood, a bouncer measured throughout"
python3 Tests/hardening/hostile-clients.py "$(swift build --show-bin-path)" 2>&1 | tee "$hardening_logs/hostile" || true
echo "== the API against openapi.yaml: schemathesis over every route, with a bouncer key and a machine token"
bash Tests/api/schemathesis.sh 2>&1 | tee "$hardening_logs/schemathesis" || true
echo "== moving from CrowdSec: CrowdSec 1.4.6 with a bouncer, machines and decisions, migrated, its clients on warden run"
bash Tests/clients/migrate-crowdsec.sh 2>&1 | tee "$hardening_logs/migrate-crowdsec" || true
echo "== fuzzing: every parser of outside input under libFuzzer and AddressSanitizer, its regressions replayed, 15 s a target"
bash Fuzz/run.sh --smoke 2>&1 | tee "$hardening_logs/fuzz" || true

# The loader tests, every backend's conformance suite and the CLI again, under valgrind.
bash Tests/support/memcheck.sh

echo "== benchmark smoke run (tiny N; figures not judged)"
bash Benchmarks/run.sh --smoke
echo "== notification benchmark smoke run (warden's debug build, 1 s per case; figures not judged)"
WARDEN_BIN="$(swift build --show-bin-path)" bash Benchmarks/notify/notify.sh --warden --seconds 1 --delay 2 --out /dev/null

# ---- test_env.sh: the README's Quick start, as written, in fresh environments ----
# Both runs share one release build; the --mysql --postgresql one starts its own MariaDB
# and PostgreSQL, which the subshell's trap stops (with everything else it made) however
# the step ends.
echo "== test_env.sh, then the Quick start's ban add and ban list (sqlite alone; sqlite, mysql and postgresql)"
(
    repo="$PWD" envs="$(mktemp -d /tmp/warden-test-env.XXXXXX)"
    trap 'bash "$repo/Tests/support/mariadb.sh" down "$envs/mysql/mariadb"
          bash "$repo/Tests/support/postgresql.sh" down "$envs/mysql/postgresql"; rm -rf "$envs"' EXIT
    chmod o+x "$envs"  # the PostgreSQL cluster runs as 'postgres'
    ./test_env.sh -d "$envs/sqlite" >/dev/null
    ./test_env.sh --mysql --postgresql -d "$envs/mysql" >/dev/null
    for env in sqlite mysql; do
        (cd "$envs/$env" && ./warden -c dev.yaml ban add ip 192.0.2.7 4h ssh bruteforce \
            && ./warden -c dev.yaml ban list) | tee "$envs/$env.out"
        grep -Eq "^cli +192\.0\.2\.7 +ssh bruteforce " "$envs/$env.out" \
            || { echo "test_env ($env): ban list does not show the ban just added" >&2; exit 1; }
    done
    cd "$envs/mysql"
    ./warden -c dev.yaml backends list | tee "$envs/backends.out"
    for backend in mysql postgresql sqlite; do
        grep -Eq "^$backend .* loaded$" "$envs/backends.out" \
            || { echo "test_env --mysql --postgresql: backend $backend is not loaded" >&2; exit 1; }
        ./warden -c dev.yaml ban list --backend "$backend" | grep -Eq "^cli +192\.0\.2\.7 +ssh bruteforce " \
            || { echo "test_env --mysql --postgresql: the ban is not in the $backend backend" >&2; exit 1; }
    done
    # The README's Local API walk-through: a bouncer key, `warden run`, a lookup.
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    sed -i "s|^    listen_uri: 127.0.0.1:8080|    listen_uri: 127.0.0.1:$port|" dev.yaml
    metrics_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    sed -i "s|^  listen_port: 6060|  listen_port: $metrics_port|" dev.yaml
    key="$(./warden -c dev.yaml bouncers add readme -o raw)"
    ./warden -c dev.yaml run >"$envs/daemon.log" 2>&1 &
    daemon=$!
    for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fsS -H "X-Api-Key: $key" "http://127.0.0.1:$port/v1/decisions?ip=192.0.2.7" | tee "$envs/lookup.out"; echo
    ./warden -c dev.yaml metrics | tee "$envs/metrics.out"
    kill -TERM "$daemon"; wait "$daemon" || { echo "test_env: warden run did not exit 0 on SIGTERM" >&2; cat "$envs/daemon.log" >&2; exit 1; }
    grep -q '"value":"192.0.2.7"' "$envs/lookup.out" \
        || { echo "test_env: warden run does not serve the ban" >&2; cat "$envs/daemon.log" >&2; exit 1; }
    grep -Eq '^readme +/v1/decisions +1$' "$envs/metrics.out" \
        || { echo "test_env: warden metrics does not show the bouncer's pull" >&2; exit 1; }
)
# ---- end of the test_env.sh step ----

# The same release build, packaged: counted in the summary from its last line.
echo "== the Debian package (Packaging/build-deb.sh) from that release build: lintian, install, ban, the unit's daemon, upgrade, remove, purge"
bash Tests/package/run.sh "$(swift build -c release --show-bin-path)" 2>&1 | tee "$hardening_logs/package" || true

# The XCTest totals plus the real clients' checks, last, as one plain line.
summary="$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with" "$log" | tail -1)"
executed="$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')"
failed="$(echo "$summary" | sed -E 's/.* ([0-9]+) failures? \(.*/\1/')"
skipped="$(echo "$summary" | sed -nE 's/.*with ([0-9]+) tests? skipped.*/\1/p')"
clients="$(tail -1 "$clients_log")"
clients_passed="$(echo "$clients" | sed -E 's/^([0-9]+) passed.*/\1/')"
clients_failed="$(echo "$clients" | sed -E 's/.* ([0-9]+) failed$/\1/')"
differential="$(tail -1 "$differential_log")"
if [[ "$differential" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    differential_passed="${BASH_REMATCH[1]}" differential_failed="${BASH_REMATCH[2]}"
else
    differential_passed=0 differential_failed=1
fi
hardening_passed=0 hardening_failed=0
for step in "$hardening_logs"/*; do
    if [[ "$(tail -1 "$step")" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        hardening_passed=$((hardening_passed + BASH_REMATCH[1])) hardening_failed=$((hardening_failed + BASH_REMATCH[2]))
    else
        echo "$(basename "$step"): no tally (it stopped early; see its output above)" >&2
        hardening_failed=$((hardening_failed + 1))
    fi
done
total_failed=$((failed + clients_failed + differential_failed + hardening_failed))
# What failed, named again just above the tally: CI shows a run's last lines.
if [ "$total_failed" -ne 0 ]; then
    echo "== what failed"
    grep -hE "^Test Case '.*' failed|^not ok - |: FAILED" "$log" "$clients_log" "$differential_log" "$hardening_logs"/* | cut -c1-300 || true
fi
echo "$((executed - failed - ${skipped:-0} + clients_passed + differential_passed + hardening_passed)) passed, $total_failed failed, ${skipped:-0} skipped"
[ "$total_failed" -eq 0 ]
