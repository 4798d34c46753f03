#!/usr/bin/env bash
# Installs the Debian packages Warden builds and tests with, when missing.
# Usage: Tests/support/install-deps.sh [--with-mariadb]
set -euo pipefail
packages=(libsqlite3-dev libyaml-dev pkg-config gcc g++ make golang-go)
if [ "${1:-}" = "--with-mariadb" ]; then packages+=(libmariadb-dev mariadb-server); fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
