#!/usr/bin/env bash
# Makes Warden's CLI look like the harness's BAN_ADD/BAN_DEL commands, so that
# pointing the client tests at Warden only takes environment variables:
#   export BAN_ADD="Tests/clients/warden-adapter.sh add" BAN_DEL="Tests/clients/warden-adapter.sh del"
#   export WARDEN_CONFIG=/path/to/warden.yaml [WARDEN_BIN=/path/to/warden]
# It picks `ip` or `range` from the target (a '/' means a CIDR) and bans with the
# reason "test", which is the scenario the client tests expect. `machine-add` is the
# machine-side tests' MACHINE_ADD (agent-lib.sh):
#   export MACHINE_ADD="Tests/clients/warden-adapter.sh machine-add"
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/warden-adapter.sh add TARGET DURATION
       Tests/clients/warden-adapter.sh del TARGET
       Tests/clients/warden-adapter.sh machine-add NAME FILE

  add   warden -c $WARDEN_CONFIG ban add ip|range TARGET DURATION test
  del   warden -c $WARDEN_CONFIG ban del ip|range TARGET
  machine-add  warden -c $WARDEN_CONFIG machines add NAME --auto -f FILE
TARGET is an address or a CIDR; DURATION a Go duration (45s, 90m, 4h).
Environment: WARDEN_CONFIG (required), WARDEN_BIN (default: warden on PATH).
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
config="${WARDEN_CONFIG:?warden-adapter.sh: WARDEN_CONFIG is not set; export the path of the Warden config the server uses}"
bin="${WARDEN_BIN:-warden}"
kind() { case "$1" in */*) echo range ;; *) echo ip ;; esac; }
case "${1:-}" in
    add)
        [ $# -eq 3 ] || { usage >&2; exit 64; }
        "$bin" -c "$config" ban add "$(kind "$2")" "$2" "$3" test >/dev/null
        ;;
    del)
        [ $# -eq 2 ] || { usage >&2; exit 64; }
        "$bin" -c "$config" ban del "$(kind "$2")" "$2" >/dev/null
        ;;
    machine-add)
        [ $# -eq 3 ] || { usage >&2; exit 64; }
        "$bin" -c "$config" machines add "$2" --auto -f "$3" >/dev/null
        ;;
    *) usage >&2; exit 64 ;;
esac
