#!/usr/bin/env bash
# Fault case 3: a backend whose calls start failing, then hang, beside a healthy SQLite
# backend. The sick one is Tests/faults/sick_backend.c (the C example's bans in memory)
# built here with cc; before each data call it reads its control file: ok, fail, hang.
# What clients must see: bouncers served from memory while the other fails or hangs; an
# agent's alert stored in SQLite and enforced at once, but answered 201 only once every
# backend holds it (README, Alert intake): while one fails, a clear 500 naming it, at
# once; while one hangs, a 500 naming it after api.server.store_timeout (3 s here), never
# a request held for the whole hang; machines' reads answered from the healthy backend
# after that timeout; the daemon saying which backend is sick (log lines, metrics). Once
# the control file says ok again, the agent's resends are answered 201 without a restart.
# What must be kept: every alert stored once in SQLite (however often it was resent, and
# whether or not its first request outlived the hang), its decision enforced.
# shellcheck source=Tests/faults/lib.sh
source "$(dirname "$0")/lib.sh"

sick_so="$work/libwarden-backend-sick.so"
cc -std=c11 -O1 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -I "$root/Sources/CWardenBackend/include" \
    -o "$sick_so" "$root/Tests/faults/sick_backend.c" -lpthread 2>"$work/cc.log" ||
    { not_ok "the sick backend compiles: $(head -5 "$work/cc.log")"; finish; exit; }
chmod 0755 "$sick_so"
control="$work/control"
echo ok >"$control"

store_timeout=3s node "$work/node"
# Load order is the files' sorted paths: SQLite first (the store the daemon follows and
# reads alerts from), the sick one second.
cat >"$work/node/backends/a-sqlite.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $work/warden.db
YAML
cat >"$work/node/backends/b-sick.yaml" <<YAML
name: sick
path: $sick_so
config:
  control: $control
YAML
setup_clients || { not_ok "bouncer key and machine"; finish; exit; }
start_daemon || { not_ok "the daemon starts with SQLite and the sick backend"; finish; exit; }
login || { not_ok "the machine logs in"; finish; exit; }
check "both backends are loaded" grep -q 'backends loaded: sqlite, sick' "$work/node/daemon.log"

mkdir -p "$work/bodies"
answers="$work/answers" # name ip status ms body
: >"$answers"
# post NAME IP [MAX_TIME]: posts (building the body once), logs the answer, prints the status.
post() {
    local file="$work/bodies/$1.json" t0 answer
    [ -f "$file" ] || alert_body "$1" "$2" 0 >"$file"
    t0=$(now_ms)
    answer="$(post_alert "$file" "${3:-10}")"
    echo "$1 $2 ${answer%% *} $(($(now_ms) - t0)) ${answer#* }" >>"$answers"
    echo "${answer%% *}"
}
answer_of() { awk -v n="$1" '$1 == n { s = $0 } END { print s }' "$answers"; }

check "an alert is answered 201 while both are healthy" test "$(post sick-ok-1 192.0.2.1)" = 201
served=false
for _ in $(seq 30); do banned 192.0.2.1 && { served=true; break; }; sleep 0.1; done
check "its decision is served to bouncers" $served
start_bouncer_poller "$work/bouncer" 192.0.2.1
log_mark="$(wc -l <"$work/node/daemon.log")"
new_log() { tail -n +"$((log_mark + 1))" "$work/node/daemon.log"; }
sick_errors() { metric '^warden_backend_call_errors_total\{.*backend="sick"' | awk '{ s += $2 } END { print s + 0 }'; }
sick_insert_errors() { metric '^warden_backend_call_errors_total\{.*backend="sick"' | grep -E 'operation="(insert|flush)"' | awk '{ s += $2 } END { print s + 0 }'; }

# ---- fail
echo fail >"$control"
post sick-fail-1 198.51.100.1 >/dev/null
fail_line="$(answer_of sick-fail-1)"
note "while it fails: alert answered $(cut -d' ' -f3-4 <<<"$fail_line") ms: $(cut -d' ' -f5- <<<"$fail_line" | cut -c1-300)"
# refused STATUS_LINE MAX_MS TEXT: the answer (as answer_of prints it) is LAPI's 500 shape,
# came within MAX_MS and its message holds TEXT.
refused() {
    local line="$1"
    [ "$(cut -d' ' -f3 <<<"$line")" = 500 ] && [ "$(cut -d' ' -f4 <<<"$line")" -lt "$2" ] &&
        lapi_error_shape "$(cut -d' ' -f5- <<<"$line")" && grep -qF "$3" <<<"$(cut -d' ' -f5- <<<"$line")"
}
check "while one backend fails, an agent's alert is answered 500 at once, naming it" \
    refused "$fail_line" 2000 'backend \"sick\"'
served=false
for _ in $(seq 30); do banned 198.51.100.1 && { served=true; break; }; sleep 0.1; done
check "while one backend fails, the alert's decision (stored in SQLite) is served to bouncers" $served
sleep 1.5 # a round of the daemon's change feed and housekeeping
check "while one backend fails, the daemon logs which one" bash -c "grep -q 'sick' <<<\"\$1\"" _ "$(new_log)"
new_log | grep -m2 sick | cut -c1-250 | sed 's/^/#   log: /'
errors="$(sick_errors)"
insert_errors="$(sick_insert_errors)"
note "metrics: warden_backend_call_errors_total{backend=\"sick\"} sums to $errors, operation=\"insert\" $insert_errors"
check "while one backend fails, the metrics count its failed intake write (operation=\"insert\" or \"flush\")" test "${insert_errors%.*}" -gt 0

# ---- hang
echo hang >"$control"
log_mark="$(wc -l <"$work/node/daemon.log")"
hang_started=$(now_ms)
post sick-hang-1 198.51.100.2 20 >/dev/null
hang_line="$(answer_of sick-hang-1)"
note "while it hangs: alert answered $(cut -d' ' -f3-4 <<<"$hang_line") ms: $(cut -d' ' -f5- <<<"$hang_line" | cut -c1-300)"
check "while one backend hangs, an agent's alert is answered 500 after store_timeout, naming it" \
    refused "$hang_line" 6000 '\"sick\" still writing'
served=false
for _ in $(seq 20); do banned 198.51.100.2 && { served=true; break; }; sleep 0.1; done
check "while one backend hangs, the alert's decision (stored in SQLite) is served to bouncers" $served
# The agent resends at once: its alert is still being written, so it is not written again.
resend_status="$(post sick-hang-1 198.51.100.2 20)"
note "its resend during the hang got: $(answer_of sick-hang-1 | cut -d' ' -f3-4) ms $(answer_of sick-hang-1 | cut -d' ' -f5- | cut -c1-200)"
check "while one backend hangs, a resend is refused (500), not stored again" test "$resend_status" = 500
# Another alert while the first one's write still waits: answered within the same bound.
post sick-hang-2 198.51.100.3 20 >/dev/null
note "while it hangs, a second alert got: $(answer_of sick-hang-2 | cut -d' ' -f3-4) ms $(answer_of sick-hang-2 | cut -d' ' -f5- | cut -c1-200)"
check "while one backend hangs, a second alert is answered (500) within store_timeout, not held" \
    refused "$(answer_of sick-hang-2)" 6000 'sick'
check "while one backend hangs, bouncers are answered with the ban (last rounds)" \
    bash -c 'tail -5 "$1" | awk "\$2 != 200 || \$4 != 1 || \$5 != 200 { bad = 1 } END { exit bad }"' _ "$work/bouncer"
alerts_read="$(curl -sS --max-time 10 -A "$agent_ua" -H "Authorization: Bearer $token" -o /dev/null \
    -w '%{http_code} %{time_total}' "$api/v1/alerts?limit=5" 2>/dev/null)"
note "while it hangs, GET /v1/alerts (machines' reads) answered: ${alerts_read:-000} s"
check "while one backend hangs, GET /v1/alerts is answered 200 (from SQLite) within store_timeout" \
    bash -c '[ "${1%% *}" = 200 ] && awk -v t="${1#* }" "BEGIN { exit !(t < 6) }"' _ "$alerts_read"
while [ $(($(now_ms) - hang_started)) -lt 6500 ]; do sleep 0.2; done
check "while one backend hangs, the daemon logs which one and for how long" \
    grep -q 'backend "sick": its insert call has been running for' <(new_log)
new_log | grep -m2 'backend "sick"' | cut -c1-250 | sed 's/^/#   log: /'
running="$(metric '^warden_backend_call_running_seconds\{backend="sick"\}' | awk '{ print $2 }')"
note "warden_backend_call_running_seconds{backend=\"sick\"} = ${running:-none}"
check "while one backend hangs, the metrics show its call running" awk -v v="${running:-0}" 'BEGIN { exit !(v >= 5) }'
check "the daemon is still running" daemon_alive

# ---- recover
echo ok >"$control"
ok_at=$(now_ms)
# Resend every alert not answered 201 (same bytes, as the agent does) until it is.
pending="$(awk '{ last[$1] = $3; ip[$1] = $2 } END { for (n in last) if (last[n] != 201) print n, ip[n] }' "$answers")"
recovered_at=""
while [ $(($(now_ms) - ok_at)) -lt 20000 ]; do
    still=""
    while read -r name ip; do
        [ -z "$name" ] && continue
        if [ "$(post "$name" "$ip")" = 201 ]; then :; else still+="$name $ip"$'\n'; fi
    done <<<"$pending"
    pending="$(sed '/^$/d' <<<"$still")"
    [ -z "$pending" ] && break
    sleep 1
done
[ "$(post sick-after-1 198.51.100.9)" = 201 ] && recovered_at=$(now_ms)
if [ -n "$recovered_at" ] && [ -z "$pending" ]; then
    ok "after ok, intake recovers ($((recovered_at - ok_at)) ms until every resent alert and a new one were answered 201)"
else
    not_ok "after ok, intake recovers (still refused: $(tr '\n' ' ' <<<"$pending"))"
fi
sleep 1.5
errors_after="$(sick_errors)"
sleep 2
check "after ok, the sick backend's errors stop growing" test "$(sick_errors)" = "$errors_after"

kill "$poller_pid" 2>/dev/null
wait "$poller_pid" 2>/dev/null
note "bouncer poller during the faults: $(poller_summary "$work/bouncer")"
check "bouncers were answered (200, with the ban, both routes) throughout" poller_clean "$work/bouncer"

accepted="$(awk '$3 == 201 { print $1, $2 }' "$answers" | sort -u)"
unserved="$(while read -r name ip; do banned "$ip" || echo "$ip"; done <<<"$accepted")"
check "the decision of every alert answered 201 is served to bouncers" test -z "$unserved"
note "POSTs: $(wc -l <"$answers"), by status: $(awk '{ print $3 }' "$answers" | sort | uniq -c | tr '\n' ' ')"
stop_pid "$daemon_pid"
in_file="$(sqlite3 "$work/warden.db" "SELECT scenario, count(*) FROM bans WHERE signal_id IS NULL GROUP BY scenario")"
wrong="$(while read -r name ip; do
    c="$(awk -F'|' -v s="$name" '$1 == s { print $2 }' <<<"$in_file")"
    [ "${c:-0}" = 1 ] || echo "$name x${c:-0}"
done <<<"$accepted")"
# sick-hang-1's first request stopped waiting at store_timeout while its write went on,
# and was resent during and after the hang: a request that outlived its answer must not
# leave a second copy.
check "SQLite holds every alert answered 201 exactly once" test -z "$wrong"
if [ -n "$wrong" ]; then
    note "stored other than once: $(tr '\n' ' ' <<<"$wrong")"
    for name in $(awk '{ print $1 }' <<<"$wrong"); do
        note "$name POSTs (status ms): $(awk -v n="$name" '$1 == n { printf "%s %s; ", $3, $4 }' "$answers")"
        note "$name in SQLite (id created_ns): $(sqlite3 "$work/warden.db" "SELECT id, created_ns FROM bans WHERE scenario = '$name'" | tr '\n|' '; ')"
    done
fi
finish
