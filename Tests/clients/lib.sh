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
# and, for an https LAPI_URL, optionally:
#   LAPI_CA        the PEM CA the server's certificate chains to (clients trust it)
#   LAPI_CERT, LAPI_CERT_KEY   a client certificate and its key: the bouncers then
#                  authenticate with it instead of LAPI_KEY (tls-certificates.sh)

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

# bouncer_auth_yaml: a bouncer config's credentials: api_key, or cert_path and key_path;
# ca_cert_path with LAPI_CA.
bouncer_auth_yaml() {
    if [ -n "${LAPI_CERT:-}" ]; then
        printf 'cert_path: %s\nkey_path: %s\n' "$LAPI_CERT" "${LAPI_CERT_KEY:?LAPI_CERT_KEY must come with LAPI_CERT}"
    else
        printf 'api_key: %s\n' "$LAPI_KEY"
    fi
    [ -z "${LAPI_CA:-}" ] || printf 'ca_cert_path: %s\n' "$LAPI_CA"
}

# lapi_curl ARGS...: curl as a bouncer of the server (its key, or its certificate).
lapi_curl() {
    local tls=()
    [ -z "${LAPI_CA:-}" ] || tls+=(--cacert "$LAPI_CA")
    [ -z "${LAPI_CERT:-}" ] || tls+=(--cert "$LAPI_CERT" --key "$LAPI_CERT_KEY")
    curl "${tls[@]}" -H "X-Api-Key: $LAPI_KEY" "$@"
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
