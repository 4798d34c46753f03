#!/usr/bin/env bash
# Installs the Debian packages Warden builds and tests with, when missing.
# Usage: Tests/support/install-deps.sh [--with-mariadb] [--with-postgresql] [--with-galera] [--with-valgrind] [--with-go] [--with-hardening]
#   --with-mariadb   also what Tests/support/mariadb.sh runs: the server, and python3 to pick a free port
#   --with-postgresql  also what Tests/support/postgresql.sh runs: the server (its Debian package made to
#                    create no cluster of its own), psql, and python3 to pick a free port
#   --with-galera    also what Tests/support/galera.sh runs: galera-4 beside the MariaDB server, and
#                    rsync for its state transfers
#   --with-valgrind  valgrind, for Tests/support/memcheck.sh
#   --with-go        Go, the oracle of the differential tests (Go's own duration printing), and the
#                    Go libraries the oracles build with: expr and iplib (as CrowdSec 1.4.6), sprig
#   --with-hardening what the hardening checks use: sqlite3 and jq (Tests/faults), curl, and
#                    python3-venv for schemathesis (Tests/api)
set -euo pipefail
# libmariadb-dev, libpq-dev: the MySQL and PostgreSQL backends are built whether or not a server runs here.
packages=(libsqlite3-dev libyaml-dev libmariadb-dev libpq-dev pkg-config gcc g++ make openssl)
for option in "$@"; do
    case "$option" in
        --with-mariadb) packages+=(mariadb-server python3) ;;
        --with-postgresql) packages+=(postgresql postgresql-client python3) ;;
        --with-galera) packages+=(mariadb-server galera-4 rsync python3) ;;
        --with-valgrind) packages+=(valgrind) ;;
        --with-go) packages+=(golang-go golang-github-antonmedv-expr-dev golang-github-c-robinson-iplib-dev golang-github-masterminds-sprig-dev) ;;
        --with-hardening) packages+=(sqlite3 jq curl python3-venv) ;;
        *) echo "install-deps.sh: unknown option '$option'; use --with-mariadb, --with-postgresql, --with-galera, --with-valgrind, --with-go, --with-hardening" >&2; exit 64 ;;
    esac
done
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    # Debian's postgresql would create and start a cluster of its own on port 5432; the tests
    # start private ones (Tests/support/postgresql.sh) and need none.
    if [[ " ${missing[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        $sudo_cmd mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" | $sudo_cmd tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
