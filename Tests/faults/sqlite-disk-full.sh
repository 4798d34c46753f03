#!/usr/bin/env bash
# Fault case 1: the SQLite file on a 4 MB tmpfs that fills up during alert intake.
# What clients must see: a 5xx with LAPI's {"message": ...} naming what failed for an
# alert that was not stored, never a 201 for one that was not; the daemon keeps
# running; bouncers answered from memory throughout. What must be kept: once space
# returns, intake works again (no restart), and every alert answered 201 is in the
# store exactly once, its decision enforced, in the daemon's answers and in the file.
# shellcheck source=Tests/faults/lib.sh
source "$(dirname "$0")/lib.sh"

disk="$work/disk"
mkdir -p "$disk"
mount -t tmpfs -o size=4m warden-faults "$disk" || { not_ok "mount a 4 MB tmpfs (needs root)"; finish; exit; }
on_exit "umount -l '$disk'"

node "$work/node"
cat >"$work/node/backends/sqlite.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $disk/warden.db
YAML
setup_clients || { not_ok "bouncer key and machine"; finish; exit; }
start_daemon || { not_ok "the daemon starts on SQLite"; finish; exit; }
login || { not_ok "the machine logs in"; finish; exit; }

answers="$work/answers" # one line per POST: name status body
: >"$answers"
mkdir -p "$work/bodies"
# post NAME IP EXTRA: builds (once) and posts one alert, logs the answer; prints the status.
post() {
    local file="$work/bodies/$1.json" answer
    [ -f "$file" ] || alert_body "$1" "$2" "$3" >"$file"
    answer="$(post_alert "$file" 15)"
    echo "$1 $2 $answer" >>"$answers"
    echo "${answer%% *}"
}

check "a first alert is answered 201 (empty disk)" test "$(post disk-first 192.0.2.1 0)" = 201
poll_ok=false
for _ in $(seq 30); do banned 192.0.2.1 && { poll_ok=true; break; }; sleep 0.1; done
check "its decision is served to bouncers" $poll_ok
start_bouncer_poller "$work/bouncer" 192.0.2.1

# Leave about 384 KB free, then post alerts of 60 decisions each until the disk refuses.
avail_kb="$(df -k --output=avail "$disk" | tail -1 | tr -d ' ')"
dd if=/dev/zero of="$disk/filler" bs=1k count=$((avail_kb - 384)) status=none 2>/dev/null
note "filler written: $(df -k --output=used,avail "$disk" | tail -1) KB used/free on the tmpfs"
full_at=""
full_ms=""
n=0
fill_start=$(now_ms)
# Until the first refusal, then 3 s more of small alerts on the full disk (the auto-commit
# thread runs meanwhile): every answer must stay a clean refusal or a true 201.
while [ $n -lt 400 ] && [ $((($(now_ms) - fill_start) / 1000)) -lt 60 ]; do
    n=$((n + 1))
    status="$(post "disk-$n" "198.51.$((n / 250)).$((n % 250 + 1))" "$([ -n "$full_at" ] && echo 0 || echo 60)")"
    if [ "$status" != 201 ] && [ -z "$full_at" ]; then full_at=$n; full_ms=$(now_ms); fi
    [ -n "$full_ms" ] && [ $(($(now_ms) - full_ms)) -ge 3000 ] && break
    [ -n "$full_at" ] && sleep 0.1
done
refusals="$(awk '$3 != 201' "$answers" | wc -l)"
note "posted $n alerts while filling ($refusals refused); first refusal at #${full_at:-none}; df: $(df -k --output=avail "$disk" | tail -1 | tr -d ' ') KB free"
if [ -z "$full_at" ]; then
    not_ok "the full disk is reported to the agent (every one of $n alerts was answered 201 on a full disk)"
    note "daemon log, last lines:"
    daemon_log | tail -15 | sed 's/^/#   /'
else
    ok "the full disk is reported to the agent (first refusal at alert #$full_at, $refusals refusals)"
fi

check "the daemon is still running while the disk is full" daemon_alive
sqlite_errors="$(metric '^warden_backend_call_errors_total\{.*backend="sqlite"' | awk '{ s += $2 } END { print s + 0 }')"
insert_errors="$(metric '^warden_backend_call_errors_total\{.*backend="sqlite"' | grep -E 'operation="(insert|flush)"' | awk '{ s += $2 } END { print s + 0 }')"
note "metrics: warden_backend_call_errors_total{backend=\"sqlite\"} sums to $sqlite_errors, $insert_errors of them intake writes (operation=\"insert\" or \"flush\")"
check "the metrics count the SQLite backend's failed intake writes (operation=\"insert\" or \"flush\")" test "${insert_errors%.*}" -gt 0
# Every answer while filling is 201 or a clean 5xx in LAPI's shape naming the cause.
bad_answers="$(awk '$3 != 201' "$answers" | while read -r name ip status body; do
    if [[ "$status" =~ ^5[0-9][0-9]$ ]] && lapi_error_shape "$body" &&
        grep -qiE 'full|space|disk|SQLITE_FULL|no room' <<<"$body"; then continue; fi
    echo "$name: $status $body"
done)"
if [ -z "$bad_answers" ]; then
    ok "every refusal is a 5xx {\"message\"} naming the full disk"
else
    not_ok "every refusal is a 5xx {\"message\"} naming the full disk; got:"
    head -5 <<<"$bad_answers" | cut -c1-300 | sed 's/^/#   /'
fi
awk '$3 != 201 { $1 = $2 = ""; print "#   refusal:" $0; exit }' "$answers" | cut -c1-300

# Space returns: delete the filler, then resend every refused alert (same bytes, as the
# agent does) until it is answered 201.
rm -f "$disk/filler"
freed=$(now_ms)
recovered_at=""
pending="$(awk '$3 != 201 { print $1, $2 }' "$answers" | sort -u)"
retry_rounds=0
while [ -n "$pending" ] && [ $(($(now_ms) - freed)) -lt 30000 ]; do
    retry_rounds=$((retry_rounds + 1))
    still=""
    while read -r name ip; do
        if [ "$(post "$name" "$ip" 60)" = 201 ]; then
            [ -n "$recovered_at" ] || recovered_at=$(now_ms)
        else
            still+="$name $ip"$'\n'
        fi
    done <<<"$pending"
    pending="$(sed '/^$/d' <<<"$still")"
    [ -n "$pending" ] && sleep 1
done
if [ -z "$pending" ]; then
    ok "intake works again once space returns (first 201 $((${recovered_at:-$freed} - freed)) ms after the delete, $retry_rounds retry rounds)"
else
    not_ok "intake works again once space returns ($(wc -l <<<"$pending") alerts still refused 30 s after the delete)"
    tail -3 "$answers" | cut -c1-300 | sed 's/^/#   /'
fi
check "a new alert is answered 201 after recovery" test "$(post disk-after 203.0.113.9 0)" = 201

kill "$poller_pid" 2>/dev/null
wait "$poller_pid" 2>/dev/null
note "bouncer poller during the fault: $(poller_summary "$work/bouncer")"
check "bouncers were answered (200, with the ban, both routes) throughout" poller_clean "$work/bouncer"

# What is kept: each alert ever answered 201 is listed exactly once, its ban enforced.
accepted="$(awk '$3 == 201 { print $1, $2 }' "$answers" | sort -u)"
n_accepted="$(grep -c . <<<"$accepted")"
listed="$(all_alert_scenarios | sort | uniq -c)"
wrong="$(while read -r name ip; do
    c="$(awk -v s="$name" '$2 == s { print $1 }' <<<"$listed")"
    [ "${c:-0}" = 1 ] || echo "$name listed ${c:-0} times"
done <<<"$accepted")"
doubles="$(awk '$1 > 1 { print $2 " x" $1 }' <<<"$listed")"
note "answered 201: $n_accepted alerts; listed by GET /v1/alerts: $(awk '{ s += $1 } END { print s + 0 }' <<<"$listed")"
if [ -z "$wrong$doubles" ]; then
    ok "every alert answered 201 is listed exactly once by GET /v1/alerts ($n_accepted)"
else
    not_ok "every alert answered 201 is listed exactly once by GET /v1/alerts: $(head -5 <<<"$wrong$doubles" | tr '\n' ';')"
fi
unenforced="$(while read -r name ip; do banned "$ip" || echo "$ip"; done <<<"$accepted")"
if [ -z "$unenforced" ]; then
    ok "the decision of every alert answered 201 is served to bouncers"
else
    not_ok "the decision of every alert answered 201 is served to bouncers: missing $(wc -l <<<"$unenforced"), e.g. $(head -3 <<<"$unenforced" | tr '\n' ' ')"
fi

# And in the file, after a clean stop: one signal per accepted alert.
stop_pid "$daemon_pid"
in_file="$(sqlite3 "$disk/warden.db" "SELECT scenario, count(*) FROM bans WHERE signal_id IS NULL GROUP BY scenario" 2>&1)"
wrong="$(while read -r name ip; do
    c="$(awk -F'|' -v s="$name" '$1 == s { print $2 }' <<<"$in_file")"
    [ "${c:-0}" = 1 ] || echo "$name stored ${c:-0} times"
done <<<"$accepted")"
if [ -z "$wrong" ]; then
    ok "after a clean stop the SQLite file holds every accepted alert once"
else
    not_ok "after a clean stop the SQLite file holds every accepted alert once: $(head -5 <<<"$wrong" | tr '\n' ';')"
fi
finish
