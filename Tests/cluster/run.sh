#!/usr/bin/env bash
# Warden on clusters that lose a node (Tests/cluster/cluster.py), twice:
#   1. a 3-node MariaDB Galera cluster (Tests/support/galera.sh), one daemon per node;
#   2. a PostgreSQL primary with a synchronous hot standby (Tests/support/postgresql-pair.sh),
#      one daemon per server, the primary killed and the standby promoted.
# Every server is started here on free loopback ports and stopped by pid at the end.
# Usage: bash Tests/cluster/run.sh   (after `swift build`; needs root, or the postgres user
# and galera-4, rsync, mariadb-server, postgresql: Tests/support/install-deps.sh --with-galera
# --with-postgresql). WARDEN_BIN_DIR: the folder of warden, warden-daemon and the backends
# (default: `swift build --show-bin-path`). Prints each check, then `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
bin="${WARDEN_BIN_DIR:-$(swift build --show-bin-path)}"
work="$(mktemp -d /tmp/warden-cluster.XXXXXX)"
chmod 755 "$work"  # the PostgreSQL servers run as 'postgres'; Galera's SST rsync as 'nobody'
cleanup() {
    bash Tests/support/galera.sh down "$work/galera" 2>/dev/null
    bash Tests/support/postgresql-pair.sh down "$work/postgresql" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
# scenario NAME UP-SCRIPT FLAG: starts the cluster, runs cluster.py on it, stops it, adds up.
scenario() {
    echo "## $1"
    local output last
    if ! bash "$2" up "$work/$3" >"$work/$3.up.log" 2>&1; then
        echo "not ok - the $1 did not start:"
        tail -20 "$work/$3.up.log" | sed 's/^/#   /'
        failed=$((failed + 1))
        return
    fi
    output="$(python3 Tests/cluster/cluster.py "--$3" "$work/$3" "$bin" 2>&1)"
    printf '%s\n' "$output" | sed '$d'
    last="$(tail -1 <<<"$output")"
    if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
    else
        echo "not ok - cluster.py on the $1 ended without its summary: $last"
        failed=$((failed + 1))
    fi
    bash "$2" down "$work/$3" >/dev/null 2>&1
}
scenario "MariaDB Galera cluster (3 nodes)" Tests/support/galera.sh galera
scenario "PostgreSQL primary and synchronous standby" Tests/support/postgresql-pair.sh postgresql
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
