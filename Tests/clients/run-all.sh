#!/usr/bin/env bash
# Runs the real-client tests (firewall bouncer, custom bouncer, pycrowdsec, the
# Traefik plugin v1.5.1 and v1.7.1 from shared/clients, and when MACHINE_ADD is set
# the machine side: cscli, the crowdsec agent, the repeat-offender profile) one after the other
# against the server described by the environment (LAPI_URL, LAPI_KEY, BAN_ADD,
# BAN_DEL; see lib.sh), passes their report lines through, and
# prints the total last as `N passed, N failed`. One after the other matters: the
# LAPI keeps one "last pull" per API key, so two stream clients sharing the key at
# once would steal each other's deltas.
set -uo pipefail
usage() {
    cat <<'TEXT'
Usage: Tests/clients/run-all.sh [--reference]

  (no option)   test the server described by LAPI_URL, LAPI_KEY, BAN_ADD, BAN_DEL
                (and MACHINE_ADD, SERVER_RESTART, PROFILES_PATH for the machine side)
  --reference   start CrowdSec 1.4.6's LAPI in a scratch folder (reference-lapi.sh),
                test it, and stop it
Needs root (the firewall bouncer test uses a network namespace and ipsets) and what
install.sh installs. Exits 1 if any check failed.
TEXT
}
here="$(cd "$(dirname "$0")" && pwd)"
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    --reference)
        refdir="$(mktemp -d /tmp/wch-ref.XXXXXX)"
        trap 'bash "$here/reference-lapi.sh" down "$refdir"' EXIT
        bash "$here/reference-lapi.sh" up "$refdir" || exit 1
        . "$refdir/env"
        ;;
    "") ;;
    *) usage >&2; exit 64 ;;
esac

passed=0
failed=0
for test in firewall-bouncer.sh custom-bouncer.sh pycrowdsec.py traefik-plugin.sh \
    cscli.sh agent.sh repeat-offender.sh; do
    echo "# $test"
    output="$("$here/$test" 2>&1)"
    status=$?
    printf '%s\n' "$output"
    p="$(grep -c '^ok - ' <<<"$output")"
    f="$(grep -c '^not ok - ' <<<"$output")"
    # A script that failed without saying which check (usage error, crash) still counts.
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $test exited $status without a failed check"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
