#!/usr/bin/env bash
# Fault tests under a running daemon (issue 23, hardening): each case starts its own
# warden-daemon, injects one fault and states what clients see and what is kept.
#   sqlite-disk-full.sh  the SQLite file on a 4 MB tmpfs that fills up during intake
#   mariadb-outage.sh    a private MariaDB stopped longer than retry_timeout, then started
#   sick-backend.sh      a C backend (sick_backend.c) that fails, then hangs, beside SQLite
#   intake-crash.sh      kill -9 of the daemon while 8 agents post alerts (group commit)
# Usage: bash Tests/faults/run.sh [CASE...]   (as root: tmpfs mounts, a private mariadbd).
# WARDEN_BIN_DIR: the folder with warden, warden-daemon and lib*.so (default: swift build
# --show-bin-path). WARDEN_FAULTS_KEEP=1 keeps each case's scratch folder (/tmp/warden-faults-*).
# Prints each case's ok / not ok lines, then `N passed, N failed`; exits non-zero on a failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(sqlite-disk-full mariadb-outage sick-backend intake-crash)
passed=0
failed=0
current=""
trap '[ -n "$current" ] && kill -TERM "$current" 2>/dev/null; wait' INT TERM
for name in "${cases[@]}"; do
    echo "## $name"
    start=$SECONDS
    # Each case cleans up after itself (umount, daemons and mariadbd by pid) in its traps;
    # the 180 s bound keeps a hung case from hanging the run.
    timeout -s TERM -k 10 180 bash "$here/${name%.sh}.sh" >"/tmp/warden-faults-$name.out" 2>&1 &
    current=$!
    wait "$current"
    status=$?
    current=""
    output="$(cat "/tmp/warden-faults-$name.out")"
    rm -f "/tmp/warden-faults-$name.out"
    printf '%s\n' "$output"
    p="$(grep -c '^ok - ' <<<"$output")"
    f="$(grep -c '^not ok - ' <<<"$output")"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name exited $status without a failed check"
        f=1
    fi
    echo "# $name took $((SECONDS - start)) s"
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
