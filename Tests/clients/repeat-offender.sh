#!/usr/bin/env bash
# Real-client test: a profile whose duration grows with the attacker's history,
#   duration_expr: "Sprintf('%dh', (GetDecisionsCount(Alert.GetValue()) + 1) * 4)"
# gives the same attacker 4h, then 8h, then 12h when crowdsec 1.4.6 (agent only) replays
# its sshd brute force three times: after each replay its longest active decision is
# checked (CrowdSec keeps the earlier ones beside it; in Warden the new ban replaces them). The profile is written to $PROFILES_PATH and the
# server restarted ($SERVER_RESTART) to read it; the file found there is put back (and
# the server restarted again) on exit.
#
# Three replays, not one: the LAPI evaluates every alert of one POST before storing
# any, so alerts that arrive together all see the same count; and a live agent would
# not alert twice on one address within ssh-bf's one-minute blackhole.
# The attacker is a fresh address each run (GetDecisionsCount also counts expired and,
# on some servers, deleted decisions, so an address from an earlier run would start
# higher than 4h).
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/repeat-offender.sh

Environment: LAPI_URL, LAPI_KEY, BAN_DEL (see lib.sh), MACHINE_ADD, SERVER_RESTART,
PROFILES_PATH (see agent-lib.sh). Without MACHINE_ADD: no check, exit 0.
Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
# shellcheck source=Tests/clients/agent-lib.sh
. "$here/agent-lib.sh"
require_machine_env BAN_DEL SERVER_RESTART PROFILES_PATH

attacker="2001:db8:4e0:$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')::$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
scratch="$(mktemp -d /tmp/wch-repeat.XXXXXX)"
profiles_changed=no
cleanup() {
    $BAN_DEL "$attacker" >/dev/null 2>&1 || true
    if [ "$profiles_changed" = yes ]; then
        cp "$scratch/profiles.orig.yaml" "$PROFILES_PATH"
        $SERVER_RESTART || echo "# SERVER_RESTART failed after putting $PROFILES_PATH back" >&2
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT

machine_add "$scratch"
write_agent_config "$scratch" "$scratch/unused.log"

cp "$PROFILES_PATH" "$scratch/profiles.orig.yaml"
profiles_changed=yes
cat >"$PROFILES_PATH" <<'YAML'
name: repeat_offenders
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
duration_expr: "Sprintf('%dh', (GetDecisionsCount(Alert.GetValue()) + 1) * 4)"
on_success: break
YAML
if ! $SERVER_RESTART; then
    not_ok "the server restarted with the repeat-offender profile"
    finish
    exit 1
fi

# hours_of VALUE: VALUE's active decisions as "TYPE SCENARIO HOURS", sorted by HOURS,
# where HOURS is the time left as whole hours when it is at most 10 minutes short of
# them (3h59m50s -> 4), and the server's duration as given otherwise (never matches).
hours_of() {
    local type scenario duration seconds h
    decisions_of "$1" | jq -r '[.type, .scenario, .duration] | @tsv' |
        while IFS=$'\t' read -r type scenario duration; do
            seconds="$(go_seconds <<<"$duration")"
            h=$(((seconds + 599) / 3600))
            if [ $((h * 3600 - seconds)) -ge 0 ]; then echo "$type $scenario $h"; else echo "$type $scenario $duration"; fi
        done | sort -t' ' -k3 -n | paste -sd' '
}

# longest_of VALUE: the longest of VALUE's active decisions ("TYPE SCENARIO HOURS"). A
# server that keeps every decision (CrowdSec: 4h and 8h after two replays) and one where a
# new ban on a value replaces its live one (Warden: 8h) agree on it.
longest_of() { hours_of "$1" | awk 'NF >= 3 { print $(NF-2), $(NF-1), $NF }'; }
has_longest() { [ "$(longest_of "$attacker")" = "$1" ]; }

round=0
for hours in 4 8 12; do
    round=$((round + 1))
    expected="ban crowdsecurity/ssh-bf $hours"
    sshd_failures "$attacker" 6 >"$scratch/round-$round.log"
    replay "$scratch" "$scratch/round-$round.log" || true
    poll 10 has_longest "$expected" || true
    got="$(longest_of "$attacker")"
    if [ "$got" = "$expected" ]; then
        ok "replay $round: the attacker's longest decision is ${hours}h"
    else
        not_ok "replay $round: expected the longest decision [$expected], got [${got:-no decision}] (all: $(hours_of "$attacker"))"
    fi
done

finish
