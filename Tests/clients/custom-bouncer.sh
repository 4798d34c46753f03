#!/usr/bin/env bash
# Real-client test: Debian's crowdsec-custom-bouncer (0.0.15) against the server
# described by LAPI_URL/LAPI_KEY/BAN_ADD/BAN_DEL (see lib.sh). The bouncer runs a
# script per decision as `SCRIPT add|del VALUE SECONDS SCENARIO JSON`; ours only
# appends its first four arguments to a log, which the checks read: each ban must
# arrive as `add` with its value, its remaining seconds (within a tolerance) and the
# scenario "test", and each deletion or expiry as `del` with its value.
#
# Touches nothing outside a scratch folder; the bouncer, the folder and the bans it
# made are removed on exit.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/custom-bouncer.sh

Environment: LAPI_URL, LAPI_KEY, BAN_ADD, BAN_DEL (see lib.sh).
Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
require_server_env

# How far the seconds the bouncer passes may fall short of the ban's duration: the
# time between the ban and the pull (update_frequency 1s, plus a slow machine).
tolerance=15
tmp="$(mktemp -d /tmp/wch-custom.XXXXXX)"
bouncer=""
banned=()
cleanup() {
    local target
    if [ -n "$bouncer" ]; then kill "$bouncer" 2>/dev/null || true; wait "$bouncer" 2>/dev/null || true; fi
    for target in "${banned[@]}"; do $BAN_DEL "$target" >/dev/null 2>&1 || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ban_tracked() { banned+=("$1"); ban "$1" "$2"; }

log="$tmp/calls.log"
: >"$log"
cat >"$tmp/record.sh" <<SCRIPT
#!/bin/sh
# Called by crowdsec-custom-bouncer as: add|del VALUE SECONDS SCENARIO JSON
printf '%s %s %s %s\n' "\$1" "\$2" "\$3" "\$4" >>"$log"
SCRIPT
chmod +x "$tmp/record.sh"
# cache_retention_duration: the bouncer (0.0.15) skips an add or a del of a value it
# already added or deleted since its cache was last cleared, and clears it on that
# period. At startup the server may list this test's values as deleted (expired
# decisions of an earlier run), so with the default 10s the real del that follows
# would be skipped; 1s keeps the cache shorter than the gap between the steps.
cat >"$tmp/bouncer.yaml" <<YAML
bin_path: $tmp/record.sh
bin_args: []
feed_via_stdin: false
total_retries: 0
scopes: []
scenarios_containing: []
scenarios_not_containing: []
origins: []
piddir: $tmp/
update_frequency: 1s
cache_retention_duration: 1s
daemonize: false
log_mode: file
log_dir: $tmp/
log_level: info
api_url: $LAPI_BASE
$(bouncer_auth_yaml)
prometheus:
  enabled: false
YAML

# The server may list a value as deleted at startup (its expired decisions from an
# earlier run still in the database), so a check only reads the calls made since the
# step it checks began (`mark`), and of those the latest for the value.
since=0
mark() { since="$(wc -l <"$log")"; }
# called ACTION VALUE: the latest call for VALUE since the mark is ACTION.
called() { [ "$(awk -v v="$2" -v since="$since" 'NR > since && $2 == v { a = $1 } END { print a }' "$log")" = "$1" ]; }
# seconds_near VALUE EXPECTED: the latest `add` of VALUE got EXPECTED seconds, or
# at most $tolerance fewer, and the scenario "test".
seconds_near() {
    local seconds scenario
    read -r seconds scenario < <(awk -v v="$1" '$1 == "add" && $2 == v { s = $3 " " $4 } END { print s }' "$log")
    [ "$scenario" = test ] || { echo "# $1: scenario '$scenario', expected 'test'"; return 1; }
    [ "$seconds" -le "$2" ] && [ "$seconds" -ge $(($2 - tolerance)) ] \
        || { echo "# $1: $seconds seconds, expected $2 (-$tolerance)"; return 1; }
}

crowdsec-custom-bouncer -c "$tmp/bouncer.yaml" >"$tmp/bouncer.out" 2>&1 &
bouncer=$!

mark
check "BAN_ADD 192.0.2.20 1h" ban_tracked 192.0.2.20 1h
check "BAN_ADD 2001:db8:c2::20 90m" ban_tracked 2001:db8:c2::20 90m
check "BAN_ADD 198.18.2.0/24 30m" ban_tracked 198.18.2.0/24 30m
check "script gets add 192.0.2.20" poll 10 called add 192.0.2.20
check "script gets add 2001:db8:c2::20" poll 10 called add 2001:db8:c2::20
check "script gets add 198.18.2.0/24" poll 10 called add 198.18.2.0/24
check "add 192.0.2.20: 3600 seconds (within ${tolerance}s), scenario test" seconds_near 192.0.2.20 3600
check "add 2001:db8:c2::20: 5400 seconds (within ${tolerance}s), scenario test" seconds_near 2001:db8:c2::20 5400
check "add 198.18.2.0/24: 1800 seconds (within ${tolerance}s), scenario test" seconds_near 198.18.2.0/24 1800
mark
check "BAN_DEL 192.0.2.20" unban 192.0.2.20
check "BAN_DEL 198.18.2.0/24" unban 198.18.2.0/24
check "script gets del 192.0.2.20" poll 10 called del 192.0.2.20
check "script gets del 198.18.2.0/24" poll 10 called del 198.18.2.0/24
since=0
check "the IPv6 ban still in force got no del" called add 2001:db8:c2::20

mark
check "BAN_ADD 192.0.2.21 3s" ban_tracked 192.0.2.21 3s
check "script gets add 192.0.2.21" poll 10 called add 192.0.2.21
check "add 192.0.2.21: 3 seconds (within ${tolerance}s), scenario test" seconds_near 192.0.2.21 3
check "script gets del 192.0.2.21 after it expires" poll 15 called del 192.0.2.21
check "the bouncer is still running" kill -0 "$bouncer"

if [ "$failed" -gt 0 ]; then
    echo "# calls:"
    sed 's/^/#   /' "$log"
    echo "# bouncer log (tail):"
    tail -n 20 "$tmp"/crowdsec-custom-bouncer.log "$tmp/bouncer.out" 2>/dev/null | sed 's/^/#   /'
fi
finish
