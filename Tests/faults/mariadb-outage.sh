#!/usr/bin/env bash
# Fault case 2: the MariaDB server stopped for longer than the MySQL backend's
# retry_timeout (3 s here, connect_timeout 1 s), then started again, while an agent-like
# client posts alerts and sends each one again (the same bytes, every second) until it is
# answered 201, as CrowdSec's agent does. What clients must see: clean 5xx in LAPI's
# shape meanwhile, bouncers answered from memory throughout; `warden metrics` shows the
# backend's failures. What must be kept: after the restart the daemon writes again
# without being restarted, nothing answered 201 is lost, and each alert is stored once.
# shellcheck source=Tests/faults/lib.sh
source "$(dirname "$0")/lib.sh"
outage_seconds="${WARDEN_FAULTS_OUTAGE:-8}"

db="$work/mariadb"
on_exit "bash '$root/Tests/support/mariadb.sh' down '$db'"
bash "$root/Tests/support/mariadb.sh" up "$db" >/dev/null || { not_ok "a private MariaDB starts"; finish; exit; }
# shellcheck source=/dev/null
. "$db/env"
dbname="w_faults_$$"
sql() { mariadb --no-defaults --socket="$MARIADB_SOCKET" -uroot -N -B "$dbname" -e "$1"; }

node "$work/node"
cat >"$work/node/backends/mysql.yaml" <<YAML
name: mysql
path: $bin/libwarden-backend-mysql.so
config:
  db_host: 127.0.0.1
  db_port: "$MARIADB_PORT"
  db_username: $MARIADB_USER
  db_password: $MARIADB_PASSWORD
  db_name: $dbname
  connect_timeout: "1"
  retry_timeout: "3"
YAML
setup_clients || { not_ok "bouncer key and machine"; finish; exit; }
start_daemon || { not_ok "the daemon starts on MariaDB"; finish; exit; }
login || { not_ok "the machine logs in"; finish; exit; }

mkdir -p "$work/bodies"
alert_body mdb-first 192.0.2.1 0 >"$work/bodies/first.json"
check "a first alert is answered 201" test "$(post_alert "$work/bodies/first.json" | cut -d' ' -f1)" = 201
ok_first=false
for _ in $(seq 30); do banned 192.0.2.1 && { ok_first=true; break; }; sleep 0.1; done
check "its decision is served to bouncers" $ok_first
start_bouncer_poller "$work/bouncer" 192.0.2.1

# The agent: alert mdb-N bans 198.51.100.N; each is sent again every second until 201.
# One line per POST in answers: "ms name ip status seconds body".
answers="$work/answers"
: >"$answers"
(
    i=0
    while [ ! -f "$work/stop-agent" ]; do
        i=$((i + 1))
        name="mdb-$i" ip="198.51.100.$i"
        alert_body "$name" "$ip" 0 >"$work/bodies/$name.json"
        while true; do
            t0=$(now_ms)
            answer="$(post_alert "$work/bodies/$name.json" 15)"
            echo "$t0 $name $ip ${answer%% *} $(($(now_ms) - t0)) ${answer#* }" >>"$answers"
            [ "${answer%% *}" = 201 ] && break
            [ -f "$work/stop-agent" ] && break
            sleep 1
        done
        sleep 0.25
    done
) &
agent_pid=$!
on_exit "kill $agent_pid"

sleep 2
stopped_at=$(now_ms)
bash "$root/Tests/support/mariadb.sh" stop "$db"
note "MariaDB stopped (for $outage_seconds s, retry_timeout 3 s)"
sleep $((outage_seconds - 1))
# `warden metrics` near the outage's end (the first POST of the outage may still wait).
metrics_out="$(cli metrics 2>&1)"
mysql_errors="$(metric '^warden_backend_call_errors_total\{.*backend="mysql"' | awk '{ s += $2 } END { print s + 0 }')"
note "near the outage's end: warden_backend_call_errors_total{backend=\"mysql\"} sums to $mysql_errors; warden metrics' backend table:"
awk '/[Bb]ackend/ { show = 1 } show && NF == 0 { show = 0 } show' <<<"$metrics_out" | head -8 | sed 's/^/#   /'
check "warden metrics shows the MySQL backend's failed calls during the outage" test "${mysql_errors%.*}" -gt 0
check "the daemon is still running during the outage" daemon_alive
check "the daemon's log names the MySQL backend's outage" grep -q 'backend=mysql.*lost the connection' "$work/node/daemon.log"
sleep 1
started_at=$(now_ms)
bash "$root/Tests/support/mariadb.sh" start "$db"
note "MariaDB started again after $(((started_at - stopped_at) / 1000)) s"

# Wait until the agent's current alert is answered 201 after the restart.
recovered_at=""
for _ in $(seq 300); do
    recovered_at="$(awk -v t="$started_at" '$1 >= t && $4 == 201 { print $1 + $5; exit }' "$answers")"
    [ -n "$recovered_at" ] && break
    sleep 0.1
done
sleep 1.5
touch "$work/stop-agent"
wait "$agent_pid" 2>/dev/null
kill "$poller_pid" 2>/dev/null
wait "$poller_pid" 2>/dev/null

if [ -n "$recovered_at" ]; then
    ok "the daemon writes again after MariaDB's restart, without a restart of its own ($((recovered_at - started_at)) ms after it)"
else
    not_ok "the daemon writes again after MariaDB's restart, without a restart of its own (no 201 within 30 s)"
    daemon_log | tail -5 | cut -c1-300 | sed 's/^/#   /'
fi
check "the daemon is still running" daemon_alive

total_posts="$(wc -l <"$answers")"
refused="$(awk '$4 != 201' "$answers" | wc -l)"
note "agent: $total_posts POSTs, $refused not answered 201, answered 201: $(awk '$4 == 201' "$answers" | wc -l)"
note "refusals by status: $(awk '$4 != 201 { print $4 }' "$answers" | sort | uniq -c | tr '\n' ' ')"
note "slowest answer $(awk '$5 > m { m = $5 } END { print m + 0 }' "$answers") ms"
awk '$4 != 201 { $1 = $2 = $3 = ""; print "#   e.g.:" $0; exit }' "$answers" | cut -c1-400
bad="$(awk '$4 != 201' "$answers" | while read -r _ name _ status _ body; do
    [[ "$status" =~ ^5[0-9][0-9]$ ]] && lapi_error_shape "$body" && continue
    echo "$name $status ${body:0:200}"
done)"
check "every refusal meanwhile is a 5xx {\"message\"} (no timeout, no other status)" test -z "$bad"
[ -n "$bad" ] && head -3 <<<"$bad" | sed 's/^/#   /'
check "the outage was seen by the agent (some refusals)" test "$refused" -gt 0
insert_errors="$(metric '^warden_backend_call_errors_total\{.*backend="mysql"' | grep -E 'operation="(insert|flush)"' | awk '{ s += $2 } END { print s + 0 }')"
note "after the outage: warden_backend_call_errors_total{backend=\"mysql\",operation=\"insert\"} = $insert_errors, for $refused refused POSTs"
check "the metrics count the MySQL backend's failed intake writes (operation=\"insert\" or \"flush\")" test "${insert_errors%.*}" -gt 0

note "bouncer poller during the fault: $(poller_summary "$work/bouncer")"
check "bouncers were answered (200, with the ban, both routes) throughout" poller_clean "$work/bouncer"

# What is kept: each alert answered 201 listed once, its ban served, one row in MariaDB.
accepted="$(awk '$4 == 201 { print $2, $3 }' "$answers" | sort -u)"
n_accepted="$(grep -c . <<<"$accepted")"
listed="$(all_alert_scenarios | sort | uniq -c)"
wrong="$(while read -r name ip; do
    c="$(awk -v s="$name" '$2 == s { print $1 }' <<<"$listed")"
    [ "${c:-0}" = 1 ] || echo "$name x${c:-0}"
done <<<"$accepted")"
note "answered 201: $n_accepted alerts; GET /v1/alerts lists $(awk '$2 ~ /^mdb-[0-9]/ { s += $1 } END { print s + 0 }' <<<"$listed") of mdb-N"
check "every alert answered 201 is listed exactly once by GET /v1/alerts ($n_accepted)" test -z "$wrong"
[ -n "$wrong" ] && note "listed other than once: $(tr '\n' ' ' <<<"$wrong")"
unserved="$(while read -r name ip; do banned "$ip" || echo "$ip"; done <<<"$accepted")"
check "the decision of every alert answered 201 is served to bouncers" test -z "$unserved"
[ -n "$unserved" ] && note "not served: $(tr '\n' ' ' <<<"$unserved")"

rows_before="$(sql "SELECT scenario, COUNT(*) FROM bans WHERE scenario LIKE 'mdb-%' GROUP BY scenario HAVING COUNT(*) > 1" 2>&1)"
[ -n "$rows_before" ] && note "in MariaDB before the stop, more than one row: $(tr '\n\t' '; ' <<<"$rows_before")"
stop_pid "$daemon_pid"
rows="$(sql "SELECT scenario, COUNT(*) FROM bans WHERE scenario LIKE 'mdb-%' GROUP BY scenario" 2>&1)"
wrong="$(while read -r name ip; do
    c="$(awk -v s="$name" '$1 == s { print $2 }' <<<"$rows")"
    [ "${c:-0}" = 1 ] || echo "$name x${c:-0}"
done <<<"$accepted")"
check "after a clean stop MariaDB holds one row for each accepted alert" test -z "$wrong"
if [ -n "$wrong" ]; then
    note "rows other than one: $(tr '\n' ' ' <<<"$wrong")"
    for name in $(awk '{ print $1 }' <<<"$wrong"); do
        note "$name in MariaDB (id signal_uid created_ns): $(sql "SELECT id, signal_uid, created_ns FROM bans WHERE scenario = '$name'" | tr '\n\t' '; ')"
        note "$name POSTs (ms status duration_ms): $(awk -v s="$name" '$2 == s { printf "%s %s %s; ", $1, $4, $5 }' "$answers")"
    done
    note "stopped at $stopped_at, started at $started_at (ms)"
    daemon_log | grep -iE 'mysql|reconnect|lost' | cut -c1-250 | head -8 | sed 's/^/#   /'
fi
finish
