#!/usr/bin/env bash
# Real-client test: cscli 1.4.6 as a machine of the server described by the environment
# (lib.sh, agent-lib.sh), with a credentials file from $MACHINE_ADD and nothing else
# (no database: every command here is HTTP). What a server must do, as CrowdSec 1.4.6's
# LAPI does it:
#   decisions add --ip / --range   the decision as given (type, duration, reason as its
#                                  scenario, origin cscli) reaches the bouncer API
#   decisions import -i CSV        one alert; each row's duration/type/reason (blank ->
#                                  4h, ban, "manual"); every row gets scope Ip, a CIDR too
#                                  (cscli forces the --scope flag), and is still matched
#                                  as a range
#   decisions list                 parsed: the alerts with active decisions, newest first;
#                                  1.4.6 asks include_capi=false, which keeps only alerts
#                                  with a decision of origin crowdsec or cscli, so the
#                                  import (origin cscli-import) is left out unless -a
#   alerts list                    the same filter, every alert, newest first
#   decisions delete --ip          "N decision(s) deleted"; an address also deletes the
#                                  ranges that contain it
# Values: 192.0.2.60-62, 2001:db8:c5::61, 198.18.6.0/24, 203.0.113.0/30; deleted on exit.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/cscli.sh

Environment: LAPI_URL, LAPI_KEY, BAN_DEL (see lib.sh), MACHINE_ADD (see agent-lib.sh).
Without MACHINE_ADD: no check, exit 0.
Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
TEXT
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
# shellcheck source=Tests/clients/agent-lib.sh
. "$here/agent-lib.sh"
require_machine_env BAN_DEL

values=(192.0.2.60 192.0.2.61 192.0.2.62 2001:db8:c5::61 198.18.6.0/24 203.0.113.0/30)
scratch="$(mktemp -d /tmp/wch-cscli.XXXXXX)"
cleanup() {
    local value
    for value in "${values[@]}"; do $BAN_DEL "$value" >/dev/null 2>&1 || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT

machine_add "$scratch"
write_cscli_config "$scratch"
machine="$(machine_name "$scratch/credentials.yaml")"
cs() { cscli -c "$scratch/cscli.yaml" "$@"; }

# same WHAT EXPECTED GOT: one report line comparing two texts, both shown on a mismatch.
same() {
    local line
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        echo "# expected:"
        while IFS= read -r line; do echo "#   $line"; done <<<"$2"
        echo "# got:"
        while IFS= read -r line; do echo "#   $line"; done <<<"$3"
    fi
}

# alerts_summary: reads cscli's JSON alert list, prints this machine's alerts in the
# order given, one a line: "scenario: Scope:Value type origin, ..." (its decisions).
alerts_summary() {
    jq -r --arg m "$machine" '.[]? | select(.machine_id == $m) |
        "\(.scenario): " + ([.decisions[]? | "\(.scope):\(.value) \(.type) \(.origin)"] | join(", "))'
}

# deleted ARGS...: `decisions delete ARGS`, printing cscli's "N decision(s) deleted" line.
deleted() {
    cs -o human decisions delete "$@" 2>&1 | sed -n 's/.*msg="\([0-9]* decision(s) deleted\)".*/\1/p'
}

# --- add -----------------------------------------------------------------------------
check "decisions add --ip exits 0" cs decisions add --ip 192.0.2.60 --duration 2h --reason cscli-test
same "decisions add --ip: the bouncer API has the decision as given" \
    "Ip:192.0.2.60 ban cscli ~120m cscli-test" "$(decisions_summary 192.0.2.60)"
check "decisions add --range exits 0" \
    cs decisions add --range 198.18.6.0/24 --duration 3h --type captcha --reason cscli-range
same "decisions add --range: an address inside it gets the range's decision" \
    "Range:198.18.6.0/24 captcha cscli ~180m cscli-range" "$(decisions_summary 198.18.6.7)"

# --- import ----------------------------------------------------------------------------
cat >"$scratch/import.csv" <<'CSV'
value,duration,type,reason
192.0.2.61,1h,ban,import-a
2001:db8:c5::61,30m,captcha,import-b
192.0.2.62,,,
203.0.113.0/30,2h,ban,import-c
CSV
check "decisions import -i CSV exits 0" cs decisions import -i "$scratch/import.csv"
same "decisions import: each row as given, blanks as 4h ban \"manual\", the CIDR with scope Ip" \
    "Ip:192.0.2.61 ban cscli-import ~60m import-a
Ip:2001:db8:c5::61 captcha cscli-import ~30m import-b
Ip:192.0.2.62 ban cscli-import ~240m manual
Ip:203.0.113.0/30 ban cscli-import ~120m import-c" \
    "$(for ip in 192.0.2.61 2001:db8:c5::61 192.0.2.62 203.0.113.2; do decisions_summary "$ip"; done |
        # The bouncer API may give the imported CIDR either scope: CrowdSec 1.4.6 keeps the
        # `Ip` it was sent with, Warden says what it is, `Range` (cscli's own listings below
        # show `Ip` on both).
        sed 's|^Range:203\.0\.113\.0/30 |Ip:203.0.113.0/30 |')"

# --- list ------------------------------------------------------------------------------
same "decisions list: the two cscli alerts, newest first, without the import" \
    "cscli-range: Range:198.18.6.0/24 captcha cscli
cscli-test: Ip:192.0.2.60 ban cscli" "$(cs decisions list | alerts_summary)"
same "decisions list -a: the import too, as one alert with its four decisions" \
    "add: 4 IPs: Ip:192.0.2.61 ban cscli-import, Ip:2001:db8:c5::61 captcha cscli-import, Ip:192.0.2.62 ban cscli-import, Ip:203.0.113.0/30 ban cscli-import
cscli-range: Range:198.18.6.0/24 captcha cscli
cscli-test: Ip:192.0.2.60 ban cscli" "$(cs decisions list -a | alerts_summary)"
same "decisions list --ip: an address inside a range lists the range's alert" \
    "cscli-range: Range:198.18.6.0/24 captcha cscli" "$(cs decisions list --ip 198.18.6.7 | alerts_summary)"
same "alerts list: this machine's listed alerts, newest first" \
    "cscli-range: Range:198.18.6.0/24 captcha cscli
cscli-test: Ip:192.0.2.60 ban cscli" "$(cs alerts list | alerts_summary)"
same "alerts list --ip: the one alert of that address" \
    "cscli-test: Ip:192.0.2.60 ban cscli" "$(cs alerts list --ip 192.0.2.60 | alerts_summary)"

# --- delete ----------------------------------------------------------------------------
same "decisions delete --ip inside a range: deletes the range" \
    "1 decision(s) deleted" "$(deleted --ip 198.18.6.7)"
same "decisions delete --ip: the range is gone from the bouncer API, the address stays" \
    "Ip:192.0.2.60 ban cscli ~120m cscli-test" \
    "$(decisions_summary 198.18.6.7; decisions_summary 192.0.2.60)"
same "decisions delete --ip: its own decision" "1 decision(s) deleted" "$(deleted --ip 192.0.2.60)"
same "decisions delete --ip: nothing left to delete" "0 decision(s) deleted" "$(deleted --ip 192.0.2.60)"
same "decisions delete --ip: gone from the bouncer API" "" "$(decisions_summary 192.0.2.60)"
same "decisions list: the deleted decisions' alerts are no longer listed" "" "$(cs decisions list | alerts_summary)"

finish
