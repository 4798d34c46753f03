#!/usr/bin/env bash
# Real-client test: Debian's crowdsec 1.4.6 as an agent only (-no-api) pushes alerts to
# the server described by the environment (lib.sh, agent-lib.sh), which must apply its
# default profile (an Ip alert with remediation -> ban 4h).
#   replay   a generated sshd brute-force log, read once (`-dsn file://... -type syslog`):
#            every attacker (IPv4 and IPv6) ends with exactly one decision on the bouncer
#            API, ban, 4h, scenario crowdsecurity/ssh-bf, and exactly one alert
#   restart  a live agent tails a log; attackers appended before and after a server
#            restart ($SERVER_RESTART) all end with one decision and one alert each: the
#            agent got back in (a 1.4.6 LAPI makes a new JWT secret, so it logs in again)
#            and nothing was lost or sent twice
# Each attacker makes 6 failures in a burst with one user name, which overflows
# crowdsecurity/ssh-bf once and nothing else. Scratch folder removed and decisions
# deleted ($BAN_DEL) on exit; the agent is stopped by its pid.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/agent.sh

Environment: LAPI_URL, LAPI_KEY, BAN_DEL (see lib.sh), MACHINE_ADD, SERVER_RESTART
(see agent-lib.sh). Without MACHINE_ADD: no check, exit 0.
Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
# shellcheck source=Tests/clients/agent-lib.sh
. "$here/agent-lib.sh"
require_machine_env BAN_DEL SERVER_RESTART

replayed=(192.0.2.40 192.0.2.41 192.0.2.42 2001:db8:a6::40)
before_restart=(192.0.2.43 2001:db8:a6::43)
after_restart=(192.0.2.44 192.0.2.45 2001:db8:a6::44)

scratch="$(mktemp -d /tmp/wch-agent.XXXXXX)"
agent_pid=""
cleanup() {
    if [ -n "$agent_pid" ]; then
        kill "$agent_pid" 2>/dev/null || true
        wait "$agent_pid" 2>/dev/null || true
    fi
    local value
    for value in "${replayed[@]}" "${before_restart[@]}" "${after_restart[@]}"; do
        $BAN_DEL "$value" >/dev/null 2>&1 || true
    done
    rm -rf "$scratch"
}
trap cleanup EXIT

machine_add "$scratch"
write_agent_config "$scratch" "$scratch/live.log"
write_cscli_config "$scratch"

# alerts_of VALUE: how many alerts this run's machine sent for VALUE, as the server lists
# them (cscli alerts list --ip asks GET /v1/alerts with the machine's token). Earlier
# runs' alerts stay on a server (deleting decisions keeps alerts): they came from
# other machines.
machine="$(machine_name "$scratch/credentials.yaml")"
alerts_of() {
    cscli -c "$scratch/cscli.yaml" alerts list --ip "$1" |
        jq --arg m "$machine" '[.[]? | select(.machine_id == $m)] | length'
}

# one_each VALUES...: every value has one ban 4h ssh-bf decision and one alert.
one_each() {
    local value status=0
    for value in "$@"; do
        decision_is "$value" ban crowdsecurity/ssh-bf 4 || status=1
        [ "$(alerts_of "$value")" = 1 ] || { echo "# $value: expected one alert, got $(alerts_of "$value")" >&2; status=1; }
    done
    return "$status"
}

all_have_decisions() {
    local value
    for value in "$@"; do has_decision "$value" || return 1; done
}

# --- replay: one pass over a log, the agent exits by itself ---------------------------
for value in "${replayed[@]}"; do sshd_failures "$value" 6; done >"$scratch/replay.log"
if replay "$scratch" "$scratch/replay.log"; then
    ok "replay: the agent read the log, pushed and exited 0"
else
    not_ok "replay: the agent exited $? (see its output below)"
    sed 's/^/# /' "$scratch/replay.out" | tail -n 20
fi
# The push happened before the agent exited: no waiting needed, but a server that
# stores asynchronously gets a few seconds.
check "replay: ${#replayed[@]} attackers (IPv4 and IPv6) appear on the bouncer API" \
    poll 10 all_have_decisions "${replayed[@]}"
check "replay: each has one decision (ban, 4h, crowdsecurity/ssh-bf) and one alert" \
    one_each "${replayed[@]}"

# --- restart: a live agent, the server restarted under it -----------------------------
: >"$scratch/live.log"
crowdsec -c "$scratch/config.yaml" -no-api </dev/null >>"$scratch/live.out" 2>&1 &
agent_pid=$!
if ! poll 30 agent_tailing "$scratch" "$scratch/live.log"; then
    not_ok "restart: the live agent started tailing its log"
    tail -n 20 "$scratch/crowdsec.log" "$scratch/live.out" 2>/dev/null | sed 's/^/# /'
    finish
    exit 1
fi
for value in "${before_restart[@]}"; do sshd_failures "$value" 6; done >>"$scratch/live.log"
check "restart: attackers seen by the live agent appear on the bouncer API" \
    poll 20 all_have_decisions "${before_restart[@]}"

if $SERVER_RESTART; then ok "restart: the server restarted"; else not_ok "restart: SERVER_RESTART failed"; fi
for value in "${after_restart[@]}"; do sshd_failures "$value" 6; done >>"$scratch/live.log"
# After a restart the agent's next push may fail once (401 with a new secret), then it
# logs in and sends the same batch again on its next 1 s tick.
check "restart: attackers seen after the restart appear on the bouncer API" \
    poll 30 all_have_decisions "${after_restart[@]}"
check "restart: the agent is still running" kill -0 "$agent_pid"
check "restart: nothing lost or doubled: one decision and one alert each, before and after" \
    one_each "${before_restart[@]}" "${after_restart[@]}"
check "restart: the replayed attackers are still there, once each" one_each "${replayed[@]}"
# For the record, how the agent crossed the restart (a 1.4.6 LAPI: "signature is invalid").
grep -o 'while pushing to api : .*"' "$scratch/crowdsec.log" | sed 's/"$//; s/^/# agent: /' || true

finish
