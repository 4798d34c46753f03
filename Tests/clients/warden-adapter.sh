#!/usr/bin/env bash
# Makes Warden's CLI look like the harness's BAN_ADD/BAN_DEL commands, so that
# pointing the client tests at Warden only takes environment variables:
#   export BAN_ADD="Tests/clients/warden-adapter.sh add" BAN_DEL="Tests/clients/warden-adapter.sh del"
#   export WARDEN_CONFIG=/path/to/warden.yaml [WARDEN_BIN=/path/to/warden]
# It picks `ip` or `range` from the target (a '/' means a CIDR) and bans with the
# reason "test", which is the scenario the client tests expect. `machine-add` is the
# machine-side tests' MACHINE_ADD (agent-lib.sh), `restart` their SERVER_RESTART:
#   export MACHINE_ADD="Tests/clients/warden-adapter.sh machine-add"
#   export SERVER_RESTART="Tests/clients/warden-adapter.sh restart" WARDEN_PIDFILE=... WARDEN_DAEMON=...
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/warden-adapter.sh add TARGET DURATION
       Tests/clients/warden-adapter.sh del TARGET
       Tests/clients/warden-adapter.sh machine-add NAME FILE
       Tests/clients/warden-adapter.sh restart

  add   warden -c $WARDEN_CONFIG ban add ip|range TARGET DURATION test
  del   warden -c $WARDEN_CONFIG ban del ip|range TARGET
  machine-add  warden -c $WARDEN_CONFIG machines add NAME --auto -f FILE
  restart  stops the daemon whose pid is in $WARDEN_PIDFILE (SIGTERM), starts
           $WARDEN_DAEMON -c $WARDEN_CONFIG again (log appended to $WARDEN_LOG),
           writes its pid there, and returns once $LAPI_URL/health answers
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
    restart)
        pidfile="${WARDEN_PIDFILE:?warden-adapter.sh restart: WARDEN_PIDFILE is not set}"
        pid="$(cat "$pidfile")"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then echo "warden-adapter.sh: daemon $pid did not stop within 30 s" >&2; exit 1; fi
        "${WARDEN_DAEMON:?warden-adapter.sh restart: WARDEN_DAEMON is not set}" -c "$config" >>"${WARDEN_LOG:-/dev/null}" 2>&1 &
        echo $! >"$pidfile"
        for _ in $(seq 200); do
            curl -fsS ${LAPI_CA:+--cacert "$LAPI_CA"} "${LAPI_URL%/}/health" >/dev/null 2>&1 && exit 0
            sleep 0.1
        done
        echo "warden-adapter.sh: the daemon did not answer ${LAPI_URL%/}/health within 20 s after a restart" >&2
        exit 1
        ;;
    *) usage >&2; exit 64 ;;
esac
