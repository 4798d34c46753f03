#!/usr/bin/env bash
# Fault case 4: `kill -9` of the daemon while 8 agents post alerts at once, each request
# one alert of its own (scenario and address), as fast as the daemon answers. Concurrent
# requests share one commit (group commit); what must hold is what held with one commit
# each: every alert answered 201 before the kill is there after a restart, exactly once,
# its decision enforced. Alerts cut off by the kill may or may not be there.
# shellcheck source=Tests/faults/lib.sh
source "$(dirname "$0")/lib.sh"

node "$work/node"
cat >"$work/node/backends/sqlite.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $work/node/warden.db
YAML
setup_clients || { not_ok "bouncer key and machine"; finish; exit; }
start_daemon || { not_ok "the daemon starts on SQLite"; finish; exit; }
login || { not_ok "the machine logs in"; finish; exit; }

# 8 threads post until the daemon is gone; each 201 is written to answered (scenario ip).
answered="$work/answered"
python3 - "$api" "$token" "$agent_ua" "$answered" <<'PY' &
import datetime, http.client, json, sys, threading, urllib.parse
api, token, agent, out = sys.argv[1:5]
url = urllib.parse.urlsplit(api)
lock = threading.Lock()
answers = open(out, "w")

def alert(name, ip):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    decision = {"duration": "4h", "origin": "cscli", "scenario": name, "scope": "Ip",
                "simulated": False, "type": "ban", "value": ip}
    return json.dumps([{"capacity": 0, "decisions": [decision], "events": [], "events_count": 1,
        "labels": None, "leakspeed": "0", "message": name, "scenario": name, "scenario_hash": "",
        "scenario_version": "", "simulated": False, "source": {"ip": ip, "scope": "Ip", "value": ip},
        "start_at": now, "stop_at": now}])

def agent_loop(agent_number):
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
    for n in range(1, 100000):
        name = f"crash-{agent_number}-{n}"
        ip = f"10.{agent_number}.{n // 250}.{n % 250 + 1}"
        try:
            connection.request("POST", "/v1/alerts", body=alert(name, ip), headers={
                "Authorization": "Bearer " + token, "Content-Type": "application/json", "User-Agent": agent})
            response = connection.getresponse()
            response.read()
        except OSError:
            return  # the daemon is gone
        if response.status == 201:
            with lock:
                answers.write(f"{name} {ip}\n")
                answers.flush()

threads = [threading.Thread(target=agent_loop, args=(i,)) for i in range(1, 9)]
for thread in threads: thread.start()
for thread in threads: thread.join()
PY
agents=$!
sleep 3
kill -KILL "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
wait "$agents"
n_answered="$(wc -l <"$answered")"
note "answered 201 before the kill: $n_answered alerts from 8 agents in about 3 s"
check "the agents were answered 201 before the kill" test "$n_answered" -gt 50

start_daemon || { not_ok "the daemon starts again on the same file"; finish; exit; }
login || { not_ok "the machine logs in again"; finish; exit; }
all_alert_scenarios | grep '^crash-' | sort | uniq -c | awk '{ print $2, $1 }' >"$work/listed"
missing="$(awk 'NR == FNR { n[$1] = $2; next } !($1 in n) { print $1 }' "$work/listed" "$answered")"
doubles="$(awk '$2 != 1 { print $1 " listed " $2 " times" }' "$work/listed")"
note "after the restart: $(wc -l <"$work/listed") crash alerts listed by GET /v1/alerts"
if [ -z "$missing" ]; then
    ok "every alert answered 201 before the kill is listed after the restart ($n_answered)"
else
    not_ok "alerts answered 201 but gone after the kill: $(wc -l <<<"$missing"), e.g. $(head -3 <<<"$missing" | tr '\n' ' ')"
fi
check "no alert is listed twice" test -z "$doubles"
unserved=0
while read -r _ ip; do banned "$ip" || unserved=$((unserved + 1)); done < <(shuf -n 50 --random-source=<(yes) "$answered")
check "their decisions are served to bouncers (50 of them checked)" test "$unserved" -eq 0
finish
