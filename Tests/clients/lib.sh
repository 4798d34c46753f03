# shellcheck shell=bash
# Shared by the client tests (sourced, not run): the server-neutral environment,
# TAP-like reporting and bounded polling.
#
# The tests only know the server through four variables, set by
# `reference-lapi.sh up DIR` (DIR/env) or by hand for Warden:
#   LAPI_URL  base URL of the decisions API, e.g. http://127.0.0.1:8080 (a trailing / is fine)
#   LAPI_KEY  a bouncer API key the server accepts
#   BAN_ADD   command called as `$BAN_ADD <ip-or-cidr> <duration>` (reason/scenario "test")
#   BAN_DEL   command called as `$BAN_DEL <ip-or-cidr>`

passed=0
failed=0

# Stops with a usage error unless the four variables are set.
require_server_env() {
    local v
    for v in LAPI_URL LAPI_KEY BAN_ADD BAN_DEL; do
        if [ -z "${!v:-}" ]; then
            echo "$(basename "$0"): $v is not set; source the server's env file (reference-lapi.sh up DIR writes DIR/env) or export it" >&2
            exit 64
        fi
    done
    # Every client here wants the base URL with exactly one trailing slash; the
    # sourcing test reads LAPI_BASE.
    # shellcheck disable=SC2034
    LAPI_BASE="${LAPI_URL%/}/"
}

ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }

# check DESCRIPTION COMMAND...: one report line for the command's exit status.
check() {
    local description="$1"
    shift
    if "$@"; then ok "$description"; else not_ok "$description"; fi
}

# poll SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds (0) or
# SECONDS have passed (1). The bound keeps a broken client from hanging the run.
poll() {
    local deadline=$((SECONDS + $1))
    shift
    while true; do
        "$@" && return 0
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

# not CMD...: succeeds when CMD fails (for polling until something disappears).
not() { ! "$@"; }

# ban TARGET DURATION / unban TARGET: the server-neutral commands, failing loudly.
ban() { $BAN_ADD "$1" "$2" || { echo "# BAN_ADD $1 $2 failed" >&2; return 1; }; }
unban() { $BAN_DEL "$1" || { echo "# BAN_DEL $1 failed" >&2; return 1; }; }

# Prints the tally and exits 0 only if nothing failed.
finish() {
    echo "# $(basename "$0"): $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
