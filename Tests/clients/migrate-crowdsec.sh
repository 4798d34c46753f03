#!/usr/bin/env bash
# End-to-end test of `warden migrate crowdsec` with the real CrowdSec 1.4.6: its LAPI
# (reference-lapi.sh, SQLite) gets a bouncer with a known key, a machine, decisions from
# cscli (several durations, a captcha, a Country scope Warden refuses, one that expires
# before the migration) and an agent's alert (POST /v1/alerts as the machine: the
# profile bans for 4h, origin crowdsec). Then: a migration while the LAPI runs is
# refused; the LAPI stops; --dry-run writes nothing; the migration; a second run changes
# nothing; `warden run` starts on CrowdSec's address, and the bouncer's unchanged key
# pulls every decision with the time it had left, the machines log in with their
# unchanged credentials (curl, and cscli with CrowdSec's own config), and, when
# crowdsec-firewall-bouncer is installed and this runs as root, that bouncer
# (firewall-bouncer.sh) fills its ipsets from Warden with the migrated key.
#
# With WARDEN_TEST_MARIADB_DIR (a private MariaDB, Tests/support/mariadb.sh up DIR, as
# Tests/run.sh exports it), the whole run is repeated with CrowdSec on MySQL (the script
# runs itself with MIGRATE_DB=mysql; the firewall bouncer is run once, in the SQLite run).
#
# Usage: bash Tests/clients/migrate-crowdsec.sh   (after `swift build --product warden`,
# `--product warden-daemon` and `--product warden-backend-sqlite`; needs
# Tests/clients/install.sh). WARDEN_BIN_DIR: the folder of warden, warden-daemon and
# libwarden-backend-sqlite.so (default: `swift build --show-bin-path`).
# Prints `ok - ...`/`not ok - ...` lines, then `N passed, M failed`.
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; "") ;; *) echo "usage: $0 (no arguments)" >&2; exit 64 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${WARDEN_BIN_DIR:-$(cd "$root" && swift build --show-bin-path)}"
for tool in crowdsec cscli curl jq python3; do
    command -v "$tool" >/dev/null || { echo "migrate-crowdsec.sh: $tool is missing; run Tests/clients/install.sh" >&2; exit 64; }
done
for file in warden warden-daemon libwarden-backend-sqlite.so; do
    [ -e "$bin/$file" ] || { echo "migrate-crowdsec.sh: $bin/$file is missing; build it (swift build --product ...)" >&2; exit 64; }
done
export WARDEN_ALLOW_UNSAFE_PLUGINS=1  # the debug build's libraries are not root-owned

work="$(mktemp -d /tmp/warden-migrate.XXXXXX)"
lapi="$work/lapi"
daemon_pid=""
db="${MIGRATE_DB:-sqlite}"
mysql_db=""
mariadb_client() {  # runs SQL on the private MariaDB
    mariadb --no-defaults -h 127.0.0.1 -P "$MARIADB_PORT" -u "$MARIADB_USER" -p"$MARIADB_PASSWORD" -e "$1"
}
cleanup() {
    [ -z "$daemon_pid" ] || { kill -TERM "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; }
    bash "$here/reference-lapi.sh" down "$lapi" >/dev/null 2>&1
    [ -z "$mysql_db" ] || mariadb_client "DROP DATABASE IF EXISTS $mysql_db" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
if [ "$db" = mysql ]; then
    # shellcheck source=/dev/null
    . "${WARDEN_TEST_MARIADB_DIR:?MIGRATE_DB=mysql needs WARDEN_TEST_MARIADB_DIR}/env"
    mysql_db="crowdsec_migrate_$$"
    mariadb_client "CREATE DATABASE $mysql_db" || { echo "migrate-crowdsec.sh: cannot create database $mysql_db" >&2; exit 1; }
    export REFERENCE_MYSQL="127.0.0.1 $MARIADB_PORT $MARIADB_USER $MARIADB_PASSWORD $mysql_db"
    echo "# CrowdSec on MySQL (database $mysql_db)"
else
    echo "# CrowdSec on SQLite"
fi

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
summary() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

fwkey="migrate-firewall-key-0123456789abcdef"
lapi_cscli() { bash "$here/reference-lapi.sh" cscli "$lapi" --error "$@"; }

# --- CrowdSec 1.4.6 with a bouncer, a machine and decisions ---
if ! bash "$here/reference-lapi.sh" up "$lapi" >"$work/lapi-up.log" 2>&1; then
    not_ok "CrowdSec 1.4.6's LAPI starts (reference-lapi.sh up)"; sed 's/^/#   /' "$work/lapi-up.log"; summary
fi
# shellcheck source=/dev/null
. "$lapi/env"
address="${LAPI_URL#http://}"
check "cscli registers bouncer 'firewall' with a known key" bash "$here/reference-lapi.sh" bouncer-add "$lapi" firewall "$fwkey"
check "cscli registers machine 'agent-ssh'" bash "$here/reference-lapi.sh" machine-add "$lapi" agent-ssh "$work/agent-ssh.yaml"
check "cscli bans 192.0.2.7 for 4h" $BAN_ADD 192.0.2.7 4h
check "cscli bans 198.51.100.0/24 for 90m" $BAN_ADD 198.51.100.0/24 90m
check "cscli bans 2001:db8:7::5 for 2h" $BAN_ADD 2001:db8:7::5 2h
check "cscli adds a 30m captcha on 192.0.2.8" lapi_cscli decisions add --ip 192.0.2.8 --duration 30m --type captcha --reason "web probing"
check "cscli bans Country FR for 1h (a scope Warden refuses)" lapi_cscli decisions add --scope Country --value FR --duration 1h
check "cscli bans 192.0.2.99 for 2s (expired before the migration)" $BAN_ADD 192.0.2.99 2s

# The agent's alert, as the crowdsec agent sends it: logged in as the machine, no
# decisions, remediation; CrowdSec's profile bans the source for 4h (origin crowdsec).
agent_password="$(sed -n 's/^password: *//p' "$work/agent-ssh.yaml")"
login() {  # login URL NAME PASSWORD: prints the token
    curl -fsS -A "crowdsec/v1.4.6" -H 'Content-Type: application/json' \
        -d "{\"machine_id\":\"$2\",\"password\":\"$3\",\"scenarios\":[]}" "$1/v1/watchers/login" | jq -er .token
}
agent_alert() {
    local token now
    token="$(login "$LAPI_URL" agent-ssh "$agent_password")" || return 1
    now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    curl -fsS -o /dev/null -A "crowdsec/v1.4.6" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        "$LAPI_URL/v1/alerts" -d "[{\"capacity\":5,\"decisions\":null,\"events\":[{\"meta\":[{\"key\":\"source_ip\",\"value\":\"203.0.113.9\"}],\"timestamp\":\"$now\"}],
        \"events_count\":1,\"labels\":null,\"leakspeed\":\"10s\",\"message\":\"Ip 203.0.113.9 performed crowdsecurity/ssh-bf\",\"remediation\":true,
        \"scenario\":\"crowdsecurity/ssh-bf\",\"scenario_hash\":\"$(printf '0%.0s' {1..64})\",\"scenario_version\":\"0.1\",\"simulated\":false,
        \"source\":{\"ip\":\"203.0.113.9\",\"scope\":\"Ip\",\"value\":\"203.0.113.9\"},\"start_at\":\"$now\",\"stop_at\":\"$now\"}]"
}
check "the machine pushes an agent's alert on 203.0.113.9 (profile: ban 4h)" agent_alert
sleep 2.5  # 192.0.2.99 expires

# What CrowdSec serves the firewall bouncer, and when it was asked.
stream() {  # stream URL KEY: the startup stream as `value type origin scenario seconds` lines, sorted
    curl -fsS -H "X-Api-Key: $2" "$1/v1/decisions/stream?startup=true" | python3 -c '
import json, re, sys
def seconds(text):
    sign = -1 if text.startswith("-") else 1
    total = 0.0
    for number, unit in re.findall(r"([0-9.]+)(ns|us|µs|ms|s|m|h)", text):
        total += float(number) * {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[unit]
    return sign * total
body = json.load(sys.stdin)
for d in sorted(body.get("new") or [], key=lambda d: (d["value"], d["type"])):
    print(d["value"], d["type"], d["origin"], d["scenario"].replace(" ", "_"), "%.0f" % seconds(d["duration"]))
'
}
crowdsec_at=$SECONDS
if stream "$LAPI_URL" "$fwkey" >"$work/crowdsec.stream" && [ -s "$work/crowdsec.stream" ]; then
    ok "CrowdSec serves the bouncer $(wc -l <"$work/crowdsec.stream") decisions before the migration"
else
    not_ok "CrowdSec serves the bouncer its decisions before the migration"
fi

# --- Warden's config, in a folder of its own ---
mkdir -p "$work/warden/backends"
wconfig="$work/warden/config.yaml"
printf 'name: sqlite\npath: %s/libwarden-backend-sqlite.so\nconfig:\n  db_path: %s/warden/warden.db\n' "$bin" "$work" \
    >"$work/warden/backends/sqlite.yaml"
cat >"$wconfig" <<YAML
plugin:
  backend: ./backends
api:
  server:
    listen_uri: 127.0.0.1:1   # replaced by the migration
    bouncers_file: ./bouncers
YAML
migrate() { "$bin/warden" -c "$wconfig" migrate crowdsec --crowdsec-config "$lapi/config.yaml" "$@"; }
# The state a migration writes: Warden's files and the bans its backend holds.
state() {
    (cd "$work/warden" && find . -type f ! -name 'warden.db*' ! -name '*.lock' -print0 | sort -z | xargs -0 sha256sum)
    "$bin/warden" -c "$wconfig" ban list -a -o raw --limit 0 2>&1 | cut -d, -f1-5
}

# --- refused while CrowdSec runs ---
out="$(migrate 2>&1)"; status=$?
check "a migration while CrowdSec runs exits 1" [ "$status" -eq 1 ]
check "... and says why and what to do" grep -qE "^error: cannot migrate from CrowdSec: crowdsec \(pid [0-9]+\) runs with $lapi/config.yaml; stop CrowdSec first \(systemctl stop crowdsec\) and run the migration again$" <<<"$out"
check "... and writes nothing" [ ! -e "$work/warden/bouncers" ]

check "the LAPI stops (reference-lapi.sh stop)" bash "$here/reference-lapi.sh" stop "$lapi"

# --- --dry-run ---
before="$(state)"
dry="$(migrate --dry-run 2>&1)"; status=$?
check "--dry-run exits 0" [ "$status" -eq 0 ]
check "--dry-run ends with 'dry run: nothing was written'" [ "$(tail -1 <<<"$dry")" = "dry run: nothing was written" ]
check "--dry-run writes no file and stores no ban" [ "$(state)" = "$before" ]

# --- the migration ---
report="$(migrate 2>&1)"; status=$?
check "the migration exits 0" [ "$status" -eq 0 ]
echo "$report" | sed 's/^/#   /'
check "--dry-run printed the same report" [ "$(sed '$d' <<<"$dry")" = "$report" ]
line() { grep -qxF "$1" <<<"$report" || { echo "#   missing: $1"; return 1; }; }
if [ "$db" = mysql ]; then
    check "report: the database" line "crowdsec: $lapi/config.yaml (mysql database $MARIADB_USER@127.0.0.1:$MARIADB_PORT/$mysql_db)"
else
    check "report: the database" line "crowdsec: $lapi/config.yaml (sqlite database $lapi/data/crowdsec.db)"
fi
check "report: bouncers" line "bouncers: 2 taken (harness-tests, firewall), 0 already there"
check "report: machines" line "machines: 2 taken (harness-cscli, agent-ssh), 0 already there"
check "report: decisions" line "decisions: 5 taken, 0 already there, 1 expired skipped, 0 simulated skipped, 1 refused"
check "report: the Country decision refused" line "refused: 1 decision (FR): scope Country: Warden bans addresses and ranges only"
check "report: profiles" line "profiles: taken from $lapi/profiles.yaml into $work/warden/profiles.yaml"
check "report: listen_uri" line "listen_uri: $address written to $wconfig (was 127.0.0.1:1)"
check "the config's listen_uri line is edited in place, its comment kept" grep -qxF "    listen_uri: $address   # replaced by the migration" "$wconfig"
check "the bouncer's digest is CrowdSec's (SHA-512 of the key)" \
    grep -qP "^firewall\t$(printf %s "$fwkey" | sha512sum | cut -d' ' -f1)\t" "$work/warden/bouncers"
check "the machine's bcrypt hash is CrowdSec's" grep -qP "^agent-ssh\t\\\$2a\\\$10\\\$[./A-Za-z0-9]{53}\tvalidated\t" "$work/warden/machines"
check "profiles.yaml is CrowdSec's" cmp -s "$lapi/profiles.yaml" "$work/warden/profiles.yaml"

# --- a second run changes nothing ---
after="$(state)"
again="$(migrate 2>&1)"; status=$?
check "a second migration exits 0" [ "$status" -eq 0 ]
check "... takes nothing: bouncers" grep -qxF "bouncers: 0 taken, 2 already there (harness-tests, firewall)" <<<"$again"
check "... takes nothing: decisions" grep -qxF "decisions: 0 taken, 5 already there, 1 expired skipped, 0 simulated skipped, 1 refused" <<<"$again"
check "... takes nothing: profiles, listen_uri" grep -qxF "listen_uri: $address already in $wconfig" <<<"$again"
check "... and changes no file and no ban" [ "$(state)" = "$after" ]

# --- Warden on CrowdSec's address ---
"$bin/warden" -c "$wconfig" run >"$work/daemon.log" 2>&1 &  # execs warden-daemon: same pid
daemon_pid=$!
up() { curl -fsS "$LAPI_URL/health" >/dev/null 2>&1; }
started=0
for _ in $(seq 100); do up && { started=1; break; }; sleep 0.1; done
if [ "$started" -eq 1 ]; then ok "warden run listens on CrowdSec's address $address"; else
    not_ok "warden run listens on CrowdSec's address $address"; sed 's/^/#   /' "$work/daemon.log"; summary
fi

# Every decision, with the time CrowdSec had left for it less the time since it was asked.
warden_at=$SECONDS
stream "$LAPI_URL" "$fwkey" >"$work/warden.stream"
compare() {
    python3 - "$work/crowdsec.stream" "$work/warden.stream" "$((warden_at - crowdsec_at))" <<'PY'
import sys
def read(path):
    return {tuple(l.split()[:4]): float(l.split()[4]) for l in open(path) if l.strip()}
crowdsec, warden, elapsed = read(sys.argv[1]), read(sys.argv[2]), float(sys.argv[3])
bad = 0
for key in sorted(set(crowdsec) | set(warden)):
    if key not in warden:
        print("#   missing in Warden: %s" % (key,)); bad += 1
    elif key not in crowdsec:
        print("#   only in Warden: %s" % (key,)); bad += 1
    elif abs(warden[key] - (crowdsec[key] - elapsed)) > 3:
        print("#   %s: %.0fs left in Warden, CrowdSec had %.0fs %.0fs before" % (key, warden[key], crowdsec[key], elapsed)); bad += 1
sys.exit(1 if bad or not crowdsec else 0)
PY
}
check "the bouncer's unchanged key pulls every decision from Warden (value, type, origin, scenario) with the time it had left (±3 s)" compare
check "... 5 decisions, the agent's with origin crowdsec" grep -qx "203.0.113.9 ban crowdsec crowdsecurity/ssh-bf [0-9]*" "$work/warden.stream"

# The machines log in with their unchanged credentials.
logs_in() { login "$@" >/dev/null; }
check "machine agent-ssh logs in to Warden with its unchanged credentials file" logs_in "$LAPI_URL" agent-ssh "$agent_password"
check "cscli, with CrowdSec's own config and credentials, lists Warden's decisions" \
    bash -c "bash '$here/reference-lapi.sh' cscli '$lapi' --error decisions list -o json | jq -e '[.[].decisions[].value] | index(\"192.0.2.7\")' >/dev/null"

# Migrating again while Warden listens there is refused too (the address accepts connections).
out="$(migrate 2>&1)"; status=$?
check "a migration while something listens on CrowdSec's address exits 1 and says so" \
    grep -qF "error: cannot migrate from CrowdSec: $address (its api.server.listen_uri) accepts connections, so its Local API may still run; stop CrowdSec first" <<<"$out"

# CrowdSec's firewall bouncer with the migrated key (its own test, Warden's CLI for its bans).
if [ "$db" = mysql ]; then
    :  # run once, in the SQLite run
elif command -v crowdsec-firewall-bouncer >/dev/null && [ "$(id -u)" -eq 0 ]; then
    echo "# firewall-bouncer.sh against Warden, key migrated from CrowdSec"
    output="$(LAPI_URL="$LAPI_URL" LAPI_KEY="$fwkey" WARDEN_CONFIG="$wconfig" WARDEN_BIN="$bin/warden" \
        BAN_ADD="$here/warden-adapter.sh add" BAN_DEL="$here/warden-adapter.sh del" \
        FIREWALL_EXPECT="192.0.2.7 198.51.100.0/24 2001:db8:7::5 203.0.113.9" bash "$here/firewall-bouncer.sh" 2>&1)"
    printf '%s\n' "$output" | grep -E '^(not )?ok - |^#'
    passed=$((passed + $(grep -c '^ok - ' <<<"$output")))
    failed=$((failed + $(grep -c '^not ok - ' <<<"$output")))
else
    echo "# crowdsec-firewall-bouncer not installed or not root: its check is skipped"
fi
# The same with CrowdSec on MySQL, when a private MariaDB is there.
if [ "$db" = sqlite ] && [ -n "${WARDEN_TEST_MARIADB_DIR:-}" ] && [ -f "$WARDEN_TEST_MARIADB_DIR/env" ]; then
    output="$(MIGRATE_DB=mysql bash "$0" 2>&1)"
    printf '%s\n' "$output" | sed '$d'
    if [[ "$(tail -1 <<<"$output")" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
    else
        not_ok "the MySQL run ended without its tally: $(tail -1 <<<"$output")"
    fi
elif [ "$db" = sqlite ]; then
    echo "# WARDEN_TEST_MARIADB_DIR not set: the run with CrowdSec on MySQL is skipped"
fi
summary
