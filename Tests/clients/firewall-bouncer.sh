#!/usr/bin/env bash
# Real-client test: Debian's crowdsec-firewall-bouncer (0.0.25) against the server
# described by LAPI_URL/LAPI_KEY/BAN_ADD/BAN_DEL (see lib.sh). It runs in
# `mode: ipset` with `iptables_chains: []`, so it only fills two ipsets and adds no
# firewall rule, and it runs inside a network namespace this script creates, so even
# those sets are private to the test and the machine's traffic is never affected.
#
# Reaching the server from the namespace: the namespace has its own loopback, so a
# LAPI on the host's 127.0.0.1 is not reachable there. Rather than a veth pair with
# private addresses (which would make the server listen on a non-loopback address),
# two socat relays join the two loopbacks through a Unix socket in a scratch folder
# (filesystem sockets are not tied to a network namespace): inside the namespace
# socat listens on the same loopback address and port as LAPI_URL and forwards to
# the socket; on the host socat forwards the socket to LAPI_URL. The bouncer thus
# uses LAPI_URL unchanged, and the server keeps listening on loopback only.
#
# Needs root (ip netns, ipset). Everything it creates (namespace, sets, relays,
# bouncer, scratch folder, its bans) is removed on exit.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/firewall-bouncer.sh

Environment: LAPI_URL (a loopback http(s) URL), LAPI_KEY, BAN_ADD, BAN_DEL (see lib.sh);
optional FIREWALL_EXPECT: addresses and CIDRs (space-separated) the server bans before
the bouncer starts (type ban), each checked to reach its set through the startup pull.
Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
require_server_env

hostport="${LAPI_BASE#*://}"
hostport="${hostport%%/*}"
port="${hostport##*:}"
host="${hostport%:*}"
case "$host" in
    127.*) listen="TCP4-LISTEN:$port,bind=$host" ;;
    localhost) listen="TCP4-LISTEN:$port,bind=127.0.0.1" ;;
    "[::1]") listen="TCP6-LISTEN:$port,bind=[::1]" ;;
    *) echo "firewall-bouncer.sh: LAPI_URL host '$host' is not a loopback address; the namespace relay only forwards loopback, so run the server on 127.0.0.1 or ::1" >&2; exit 64 ;;
esac
[ "$port" != "$hostport" ] || { echo "firewall-bouncer.sh: LAPI_URL '$LAPI_URL' has no port; write it as http://127.0.0.1:PORT" >&2; exit 64; }

ns="wch-fw-$$"
set4="wch-fw4-$$"
set6="wch-fw6-$$"
tmp="$(mktemp -d /tmp/wch-fw.XXXXXX)"
pids=()
banned=()

cleanup() {
    local pid target
    # Everything in the namespace (bouncer, inner relay and its forks), then the
    # host relay and the forks it made per connection.
    if ip netns list | grep -qw "$ns"; then
        for pid in $(ip netns pids "$ns"); do kill "$pid" 2>/dev/null || true; done
    fi
    for pid in "${pids[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for target in "${banned[@]}"; do $BAN_DEL "$target" >/dev/null 2>&1 || true; done
    if ip netns list | grep -qw "$ns"; then
        ip netns exec "$ns" ipset destroy "$set4" 2>/dev/null || true
        ip netns exec "$ns" ipset destroy "$set6" 2>/dev/null || true
        ip netns del "$ns"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# (Background processes are started with `ip netns exec` itself, not through this
# function, so that $! is their own pid.)
in_ns() { ip netns exec "$ns" "$@"; }
in_set() { in_ns ipset -q test "$1" "$2"; }
# Tracks what this test banned, so that cleanup can unban it even after a failure.
ban_tracked() { banned+=("$1"); ban "$1" "$2"; }

ip netns add "$ns"
in_ns ip link set lo up
in_ns ipset create "$set4" hash:net timeout 0
in_ns ipset create "$set6" hash:net family inet6 timeout 0

socat "UNIX-LISTEN:$tmp/lapi.sock,fork" "TCP:$hostport" 2>>"$tmp/relay.log" &
pids+=($!)
ip netns exec "$ns" socat "$listen,fork,reuseaddr" "UNIX-CONNECT:$tmp/lapi.sock" 2>>"$tmp/relay.log" &
pids+=($!)
answers() {
    local code
    code="$(in_ns bash -c ". '$here/lib.sh'; lapi_curl -sk -o /dev/null -w '%{http_code}' '${LAPI_BASE}v1/decisions?ip=192.0.2.1'")"
    [ "$code" = 200 ]
}
check "the server answers 200 to the test key from inside the namespace" poll 10 answers
# Nothing below can pass without that: stop here rather than time out on every check.
[ "$failed" -eq 0 ] || { sed 's/^/#   /' "$tmp/relay.log"; finish; }

cat >"$tmp/bouncer.yaml" <<YAML
mode: ipset
pid_dir: $tmp/
update_frequency: 1s
daemonize: false
log_mode: file
log_dir: $tmp/
log_level: info
api_url: $LAPI_BASE
$(bouncer_auth_yaml)
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: $set4
blacklists_ipv6: $set6
ipset_type: nethash
iptables_chains: []
prometheus:
  enabled: false
YAML

# A ban that exists before the bouncer starts reaches it through the startup pull.
check "BAN_ADD 192.0.2.12 1h (before the bouncer starts)" ban_tracked 192.0.2.12 1h
ip netns exec "$ns" crowdsec-firewall-bouncer -c "$tmp/bouncer.yaml" >"$tmp/bouncer.out" 2>&1 &
bouncer=$!
pids+=("$bouncer")
check "a ban made before the bouncer started is in the v4 set (startup pull)" poll 10 in_set "$set4" 192.0.2.12
for target in ${FIREWALL_EXPECT:-}; do
    case "$target" in *:*) expected_set="$set6" ;; *) expected_set="$set4" ;; esac
    check "$target, banned before the bouncer started (FIREWALL_EXPECT), is in its set" poll 10 in_set "$expected_set" "$target"
done

check "BAN_ADD 192.0.2.10 1h" ban_tracked 192.0.2.10 1h
check "BAN_ADD 2001:db8:f1::10 1h" ban_tracked 2001:db8:f1::10 1h
check "BAN_ADD 198.18.1.0/24 1h" ban_tracked 198.18.1.0/24 1h
check "IPv4 ban appears in the v4 set" poll 10 in_set "$set4" 192.0.2.10
check "IPv6 ban appears in the v6 set" poll 10 in_set "$set6" 2001:db8:f1::10
check "IPv4 /24 ban appears in the v4 set" poll 10 in_set "$set4" 198.18.1.0/24
check "an address inside the /24 matches the v4 set" in_set "$set4" 198.18.1.77
check "an address that was never banned is not in the v4 set" not in_set "$set4" 192.0.2.13

check "BAN_DEL 192.0.2.10" unban 192.0.2.10
check "BAN_DEL 2001:db8:f1::10" unban 2001:db8:f1::10
check "BAN_DEL 198.18.1.0/24" unban 198.18.1.0/24
check "deleted IPv4 ban leaves the v4 set" poll 10 not in_set "$set4" 192.0.2.10
check "deleted IPv6 ban leaves the v6 set" poll 10 not in_set "$set6" 2001:db8:f1::10
check "deleted /24 ban leaves the v4 set" poll 10 not in_set "$set4" 198.18.1.0/24
check "the ban made before startup is still there" in_set "$set4" 192.0.2.12

check "BAN_ADD 192.0.2.11 3s" ban_tracked 192.0.2.11 3s
check "short ban appears in the v4 set" poll 10 in_set "$set4" 192.0.2.11
check "short ban leaves the v4 set after it expires" poll 15 not in_set "$set4" 192.0.2.11
check "the bouncer is still running" kill -0 "$bouncer"

if [ "$failed" -gt 0 ]; then
    echo "# bouncer log (tail):"
    tail -n 20 "$tmp"/crowdsec-firewall-bouncer.log "$tmp/bouncer.out" 2>/dev/null | sed 's/^/#   /'
fi
finish
