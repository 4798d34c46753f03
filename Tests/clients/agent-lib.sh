# shellcheck shell=bash
# Shared by the tests that feed a server as a *machine* (agent.sh, repeat-offender.sh,
# cscli.sh; sourced after lib.sh, not run): the machine side of the server-neutral
# environment, a scratch crowdsec agent or cscli config, generated sshd logs, and
# readers of what the server then holds.
#
# Besides lib.sh's LAPI_URL/LAPI_KEY, these tests know the server through:
#   MACHINE_ADD     `$MACHINE_ADD NAME FILE` registers (validated) machine NAME and writes
#                   its credentials file (url, login, password) to FILE
#   SERVER_RESTART  `$SERVER_RESTART` stops the server and starts it again, returning once
#                   it answers (same address, same data)
#   PROFILES_PATH   the server's profiles file, read when the server starts
# Without MACHINE_ADD a test says so and exits 0 with no check (run-all.sh then leaves it
# out), so a server without an alert intake can still run the bouncer tests.

# Exits 0 with a note unless MACHINE_ADD is set; exits 64 if a NAMES variable is missing.
require_machine_env() {
    local v
    if [ -z "${MACHINE_ADD:-}" ]; then
        echo "# $(basename "$0"): skipped: MACHINE_ADD is not set (the server has no machine side here)"
        exit 0
    fi
    for v in LAPI_URL LAPI_KEY "$@"; do
        if [ -z "${!v:-}" ]; then
            echo "$(basename "$0"): $v is not set; source the server's env file (reference-lapi.sh up DIR writes DIR/env) or export it" >&2
            exit 64
        fi
    done
}

# machine_name FILE: the name the server knows the machine of credentials FILE by: its
# login, or for a client certificate (cert_path, no login) `CN@127.0.0.1`, as LAPI names it.
machine_name() {
    local login cert
    login="$(sed -n 's/^login: *//p' "$1")"
    if [ -n "$login" ]; then echo "$login"; return; fi
    cert="$(sed -n 's/^cert_path: *//p' "$1")"
    echo "$(openssl x509 -in "$cert" -noout -subject -nameopt sep_multiline | sed -n 's/^ *CN=//p')@127.0.0.1"
}

# machine_add DIR: registers a machine named after this run and writes DIR/credentials.yaml.
# The name carries the pid, so re-runs against one server never collide.
machine_add() {
    $MACHINE_ADD "harness-$(basename "$0" | tr -c 'a-z0-9\n' -)-$$" "$1/credentials.yaml" ||
        { echo "# MACHINE_ADD failed" >&2; return 1; }
}

# write_cscli_config DIR: DIR/cscli.yaml, a cscli 1.4.6 config that only talks HTTP to the
# server with DIR/credentials.yaml (no database, no hub writes), JSON output. With JSON
# output cscli logs nothing below errors (its "N decision(s) deleted" needs -o human);
# logs go to stderr, results to stdout.
write_cscli_config() {
    cat >"$1/cscli.yaml" <<YAML
config_paths:
  config_dir: $1/
  data_dir: $1/data/
  hub_dir: /usr/share/crowdsec/hub/
  index_path: /usr/share/crowdsec/hub/.index.json
cscli:
  output: json
api:
  client:
    credentials_path: $1/credentials.yaml
YAML
}

# write_agent_config DIR LIVE_LOG: DIR/config.yaml for crowdsec 1.4.6 as an agent only
# (started with -no-api), with DIR/credentials.yaml, the hub installed offline,
# acquisition tailing LIVE_LOG (ignored by -dsn replays), and its Prometheus metrics on
# a free loopback port written to DIR/metrics.port (see agent_tailing).
#
# Offline install (agent-wire.md §1): Debian's hub is read in place and each item is a
# symlink <config>/<type>/[<stage>/]<file>.yaml -> <hub>/<type>/[<stage>/]<author>/<file>.yaml.
# Only what the checks need: syslog-logs strips the syslog header, sshd-logs parses
# sshd's lines, dateparse-enrich takes the line's time, and ssh-bf holds the two
# buckets crowdsecurity/ssh-bf (6 failures in a burst) and ssh-bf_user-enum (several
# user names); ssh-slow-bf is left out so that one burst gives exactly one alert.
write_agent_config() {
    local dir="$1" live_log="$2" hub=/usr/share/crowdsec/hub item port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "$port" >"$dir/metrics.port"
    mkdir -p "$dir/data"
    for item in parsers/s00-raw/crowdsecurity/syslog-logs parsers/s01-parse/crowdsecurity/sshd-logs \
        parsers/s02-enrich/crowdsecurity/dateparse-enrich scenarios/crowdsecurity/ssh-bf; do
        mkdir -p "$dir/$(dirname "$(dirname "$item")")"
        ln -s "$hub/$item.yaml" "$dir/$(dirname "$(dirname "$item")")/$(basename "$item").yaml"
    done
    # Grok patterns are looked up in <config_dir>/patterns.
    cp -r /etc/crowdsec/patterns "$dir/patterns"
    echo "simulation: off" >"$dir/simulation.yaml"
    printf 'filenames:\n  - %s\nlabels:\n  type: syslog\n' "$live_log" >"$dir/acquis.yaml"
    # daemonize: true keeps 1.4.6 in the foreground but makes it handle SIGTERM (a -dsn
    # replay forces it to false and exits by itself once the file is read).
    cat >"$dir/config.yaml" <<YAML
common:
  daemonize: true
  log_media: file
  log_dir: $dir/
  log_level: info
  working_dir: .
config_paths:
  config_dir: $dir/
  data_dir: $dir/data/
  simulation_path: $dir/simulation.yaml
  hub_dir: $hub/
  index_path: $hub/.index.json
crowdsec_service:
  acquisition_path: $dir/acquis.yaml
  parser_routines: 1
  buckets_routines: 1
  output_routines: 1
api:
  client:
    credentials_path: $dir/credentials.yaml
prometheus:
  enabled: true
  level: full
  listen_addr: 127.0.0.1
  listen_port: $port
YAML
}

# agent_tailing DIR LIVE_LOG: appends a line no parser takes to LIVE_LOG and succeeds once
# the live agent's metrics count a line read from it. The tailer starts at the end of
# the file, so lines written before it opened the file are never read: poll this first.
agent_tailing() {
    echo "$(date '+%b %d %H:%M:%S') warden-test harness: not an sshd line" >>"$2"
    curl -fsS --max-time 2 "http://127.0.0.1:$(cat "$1/metrics.port")/metrics" 2>/dev/null |
        grep -q "^cs_filesource_hits_total{source=\"$2\"} [1-9]"
}

# sshd_failures IP COUNT: COUNT failed sshd logins from IP, 0.2 s apart, ending now, as
# syslog lines. The times must be current: the LAPI counts a decision's duration from
# the alert's stop_at, which a replay takes from the log, so an old log gives decisions
# that have already expired.
sshd_failures() {
    python3 - "$1" "$2" <<'PY'
import datetime, sys
ip, count = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now()
for k in range(count):
    t = now - datetime.timedelta(milliseconds=200 * (count - 1 - k))
    print(f"{t:%b %d %H:%M:%S} warden-test sshd[4{k:03d}]: "
          f"Failed password for invalid user admin from {ip} port {41000 + k} ssh2")
PY
}

# replay DIR LOG: one-shot agent over LOG (`-dsn file://LOG -type syslog`); returns its
# exit status (1.4.6 exits 0 even when it could not push, so the checks look at the server).
replay() {
    crowdsec -c "$1/config.yaml" -no-api -dsn "file://$2" -type syslog >>"$1/replay.out" 2>&1
}

# decisions_of VALUE: the active decisions of VALUE as the bouncer API lists them, one
# compact JSON object a line (nothing when there are none).
decisions_of() {
    lapi_curl -fsS --max-time 10 "${LAPI_URL%/}/v1/decisions?ip=$1" |
        jq -c '.[]? // empty'
}

# decisions_summary IP: IP's active decisions on the bouncer API (IP may also be a range
# value), one a line, sorted: "Scope:Value type origin ~Nm scenario", where N is the time
# left rounded up to 10 minutes (1h59m58s -> ~120m): what a check can state exactly.
decisions_summary() {
    local scope value type origin duration scenario seconds
    decisions_of "$1" | jq -r '[.scope, .value, .type, .origin, .duration, .scenario] | @tsv' |
        while IFS=$'\t' read -r scope value type origin duration scenario; do
            seconds="$(go_seconds <<<"$duration")"
            echo "$scope:$value $type $origin ~$(((seconds + 599) / 600 * 10))m $scenario"
        done | sort
}

# has_decision VALUE: the bouncer API has at least one decision for VALUE.
has_decision() { [ -n "$(decisions_of "$1")" ]; }

# go_seconds: reads Go durations ("3h59m58.1s", "-1m2s") a line, prints whole seconds.
go_seconds() {
    awk '{
        d = $0; sign = 1; s = 0
        if (substr(d, 1, 1) == "-") { sign = -1; d = substr(d, 2) }
        while (match(d, /^[0-9.]+(h|ms|us|µs|ns|m|s)/)) {
            part = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
            n = part + 0; u = part; sub(/^[0-9.]+/, "", u)
            s += (u == "h") ? n * 3600 : (u == "m") ? n * 60 : (u == "s") ? n : 0
        }
        printf "%d\n", sign * s
    }'
}

# decision_is VALUE TYPE SCENARIO HOURS: VALUE has exactly one active decision, of TYPE,
# from SCENARIO, with between HOURS minus 10 minutes and HOURS left (the replay and the
# checks take seconds; a wrong duration is off by hours).
decision_is() {
    local all one left
    all="$(decisions_of "$1")"
    [ "$(grep -c . <<<"$all")" -eq 1 ] || { echo "# $1: expected one decision, got: ${all:-none}" >&2; return 1; }
    one="$(jq -r '[.type, .scenario, .duration] | @tsv' <<<"$all")"
    left="$(cut -f3 <<<"$one" | go_seconds)"
    if [ "$(cut -f1 <<<"$one")" = "$2" ] && [ "$(cut -f2 <<<"$one")" = "$3" ] &&
        [ "$left" -le $(($4 * 3600)) ] && [ "$left" -gt $(($4 * 3600 - 600)) ]; then
        return 0
    fi
    echo "# $1: expected $2 from $3 with ${4}h left, got: $all" >&2
    return 1
}
