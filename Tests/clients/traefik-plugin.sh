#!/usr/bin/env bash
# Real-client test: the Traefik bouncer plugin (maxlerebourg/crowdsec-bouncer-traefik-plugin,
# checked with v1.5.1) in its three LAPI modes against the server described by
# LAPI_URL/LAPI_KEY/BAN_ADD/BAN_DEL (see lib.sh). The plugin's unchanged source is built
# with Debian's Go into traefik/harness.go, which stands in for Traefik: it creates the
# plugin's handler and replays requests from given client addresses (403 = blocked).
#   live   asks `GET /v1/decisions?ip=` per address (cached 1 s): a Range ban blocks every
#          address inside it, IPv4 and IPv6, and a deletion unblocks after the cache
#   none   asks per request, no cache
#   stream pulls `/v1/decisions/stream` every second; it keys decisions by their literal
#          value, so only exact addresses are checked there (a client limit, bouncer-clients.md)
# A ban made by another process reaches a server within a bound (2 s for Warden), so each
# first sight of a ban is polled for.
#
# The source is not in Debian nor PyPI, so it comes from TRAEFIK_PLUGIN_SRC (a checkout of
# the plugin with its vendor/ folder); without it the script says so and exits 0 with no
# check (run-all.sh then leaves it out of the count). Scratch folder and bans removed on exit.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: TRAEFIK_PLUGIN_SRC=DIR Tests/clients/traefik-plugin.sh

Environment: LAPI_URL, LAPI_KEY, BAN_ADD, BAN_DEL (see lib.sh), TRAEFIK_PLUGIN_SRC.
Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
require_server_env
if [ -z "${TRAEFIK_PLUGIN_SRC:-}" ]; then
    echo "# traefik-plugin.sh: TRAEFIK_PLUGIN_SRC is not set; no check run (the plugin's source is needed)"
    exit 0
fi
[ -f "$TRAEFIK_PLUGIN_SRC/bouncer.go" ] || { echo "traefik-plugin.sh: $TRAEFIK_PLUGIN_SRC/bouncer.go not found; point TRAEFIK_PLUGIN_SRC at a checkout of the plugin" >&2; exit 64; }

tmp="$(mktemp -d /tmp/wch-traefik.XXXXXX)"
banned=()
harness_pid=""
stop_harness() {
    if [ -n "$harness_pid" ]; then
        exec {to_harness}>&- || true
        kill "$harness_pid" 2>/dev/null || true
        wait "$harness_pid" 2>/dev/null || true
        harness_pid=""
    fi
}
cleanup() {
    local target
    stop_harness
    for target in "${banned[@]}"; do $BAN_DEL "$target" >/dev/null 2>&1 || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ban_tracked() { banned+=("$1"); ban "$1" "$2"; }

# Build: a copy of the source with the harness as one more command of its module.
cp -r "$TRAEFIK_PLUGIN_SRC" "$tmp/src"
mkdir -p "$tmp/src/cmd/wardencheck"
cp "$here/traefik/harness.go" "$tmp/src/cmd/wardencheck/main.go"
if ! (cd "$tmp/src" && GOFLAGS=-mod=vendor GOCACHE="$tmp/gocache" go build -o "$tmp/harness" ./cmd/wardencheck) >"$tmp/build.log" 2>&1; then
    not_ok "the plugin and its harness build with $(go version | cut -d' ' -f3)"
    sed 's/^/#   /' "$tmp/build.log"
    finish
fi

# start_harness MODE: the plugin in MODE, fed through fd to_harness, answering on fd from_harness.
start_harness() {
    mkfifo "$tmp/in.$1" "$tmp/out.$1"
    "$tmp/harness" "$1" "${LAPI_URL%/}" "$LAPI_KEY" <"$tmp/in.$1" >"$tmp/out.$1" 2>>"$tmp/harness.log" &
    harness_pid=$!
    exec {to_harness}>"$tmp/in.$1" {from_harness}<"$tmp/out.$1"
}
# status ADDRESS: the status the plugin gives a request from ADDRESS.
status() {
    local address code
    echo "check $1" >&"$to_harness"
    read -r -t 10 address code <&"$from_harness" || { echo "# the harness did not answer for $1" >&2; return 1; }
    echo "$code"
}
is_status() { [ "$(status "$2")" = "$1" ]; }

echo "# live mode"
ban_tracked 192.0.2.40 1h
ban_tracked 198.18.4.0/24 1h
ban_tracked 2001:db8:d4::/64 1h
start_harness live
check "live: a banned address is blocked (403)" poll 10 is_status 403 192.0.2.40
check "live: an address inside a banned IPv4 range is blocked" poll 10 is_status 403 198.18.4.77
check "live: an address inside a banned IPv6 range is blocked" poll 10 is_status 403 2001:db8:d4::1234
check "live: an address with no decision passes (200)" is_status 200 203.0.113.40
unban 192.0.2.40
check "live: a deleted ban stops blocking once the 1 s cache expires" poll 10 is_status 200 192.0.2.40
stop_harness

echo "# none mode"
ban_tracked 192.0.2.41 1h
start_harness none
check "none: a banned address is blocked" poll 10 is_status 403 192.0.2.41
check "none: an address inside a banned range is blocked" poll 10 is_status 403 198.18.4.78
unban 192.0.2.41
check "none: a deleted ban stops blocking at the next request" poll 5 is_status 200 192.0.2.41
stop_harness

echo "# stream mode"
ban_tracked 192.0.2.42 1h
start_harness stream
check "stream: a ban present at startup is blocked" poll 10 is_status 403 192.0.2.42
check "stream: an address with no decision passes" is_status 200 203.0.113.42
ban_tracked 192.0.2.43 1h
check "stream: a ban added later is blocked after the next pull" poll 10 is_status 403 192.0.2.43
unban 192.0.2.42
check "stream: a deleted ban stops blocking after the next pull" poll 10 is_status 200 192.0.2.42
ban_tracked 192.0.2.44 3s
check "stream: an expiring ban is blocked first" poll 10 is_status 403 192.0.2.44
check "stream: it stops blocking once expired (the server lists it as deleted)" poll 15 is_status 200 192.0.2.44
stop_harness
finish
