#!/usr/bin/env bash
# Checks a running warden-daemon against openapi.yaml with schemathesis: every operation,
# generated valid and invalid input, with a bouncer key and a machine token. Fails on
# - a 5xx that is not one of LAPI's own 500s (listed in openapi.yaml's info.description
#   and in hooks.py) nor a known bug of known-bugs.txt;
# - an answer that does not conform to the spec (status code, content type, headers, schema);
# - an operation that answers 2xx without its key or token (ignored_auth);
# - a daemon that died, or no longer answers /health, by the end.
# Usage: bash Tests/api/schemathesis.sh   (after `swift build`, or with WARDEN_BIN_DIR)
# Environment:
#   WARDEN_BIN_DIR   folder with warden, warden-daemon, libwarden-backend-sqlite.so
#                    (default: `swift build --show-bin-path`)
#   ST_MAX_EXAMPLES  examples per operation and generation method (default 100)
#   ST_SEED          Hypothesis seed (default: random, printed)
#   ST_WORKERS       schemathesis workers (default 2)
#   WARDEN_KEEP_WORK set: keep the temp folder (daemon log, schemathesis logs and reports)
#   WARDEN_TEST_CACHE  where the schemathesis venv is kept between runs
#                    (default: /var/cache/warden-tests as root, else ~/.cache/warden-tests)
# With CI=true a missing python3-venv is installed with apt-get.
# Prints the operations' report, then `N passed, N failed` as its last line.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root="$PWD"
here="$root/Tests/api"
st_version="3.39.16"
# schemathesis 3.39 breaks with newer Hypothesis (AttributeError: 'many' object has no attribute 'more').
hypothesis_version="6.131.0"
bin="${WARDEN_BIN_DIR:-$(swift build --show-bin-path)}"
max_examples="${ST_MAX_EXAMPLES:-100}"
seed="${ST_SEED:-$((RANDOM * 32768 + RANDOM))}"
workers="${ST_WORKERS:-2}"
if [ "$(id -u)" -eq 0 ]; then default_cache=/var/cache/warden-tests; else default_cache="${XDG_CACHE_HOME:-$HOME/.cache}/warden-tests"; fi
cache="${WARDEN_TEST_CACHE:-$default_cache}"
venv="$cache/schemathesis-$st_version-hypothesis-$hypothesis_version"

work="$(mktemp -d /tmp/warden-openapi.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    if [ -n "${WARDEN_KEEP_WORK:-}" ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

# The venv, made once per schemathesis version and reused.
if [ ! -x "$venv/bin/st" ]; then
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        if [ "${CI:-}" = true ] && command -v apt-get >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        fi
    fi
    mkdir -p "$cache"
    rm -rf "$venv"
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q "schemathesis==$st_version" "hypothesis==$hypothesis_version"; } >"$work/pip.log" 2>&1; then
        cat "$work/pip.log" >&2
        rm -rf "$venv"
        not_ok "schemathesis $st_version could not be installed into $venv"
        finish
    fi
fi
for tool in curl python3; do
    command -v "$tool" >/dev/null || { not_ok "$tool is not installed"; finish; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
url="http://127.0.0.1:$port"
mkdir -p "$work/backends"
cat >"$work/backends/store.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $work/warden.db
YAML
cat >"$work/config.yaml" <<YAML
plugin:
  backend: ./backends
allowlist:
  file: ./allowlist
api:
  server:
    listen_uri: 127.0.0.1:$port
    bouncers_file: ./bouncers
    machines_file: ./machines
YAML
key="openapi-bouncer-key-0123456789abcdef"
warden() { "$bin/warden" -c "$work/config.yaml" "$@"; }
# Two machines: `openapi-agent` for every operation, `openapi-leaver` for
# DELETE /v1/watchers/self, which removes the machine whose token it is given.
if ! { warden bouncers add openapi -k "$key" &&
    warden machines add openapi-agent -p openapi-password -f "$work/openapi-agent.yaml" &&
    warden machines add openapi-leaver -p openapi-password -f "$work/openapi-leaver.yaml"
} >"$work/setup.log" 2>&1; then
    cat "$work/setup.log" >&2
    not_ok "the bouncer and machines could not be added with $bin/warden"
    finish
fi
"$bin/warden-daemon" -c "$work/config.yaml" >"$work/daemon.log" 2>&1 &
daemon=$!
pids+=("$daemon")
for _ in $(seq 100); do
    curl -fsS "$url/health" >/dev/null 2>&1 && break
    sleep 0.1
done
if ! curl -fsS "$url/health" >/dev/null 2>&1; then
    cat "$work/daemon.log" >&2
    not_ok "warden-daemon did not start"
    finish
fi

login() {
    curl -fsS -X POST "$url/v1/watchers/login" -H 'Content-Type: application/json' \
        -d "{\"machine_id\":\"$1\",\"password\":\"openapi-password\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
token="$(login openapi-agent)" && leaver_token="$(login openapi-leaver)" || {
    not_ok "the machines could not log in"
    finish
}

echo "# schemathesis $st_version, seed $seed, at most $max_examples examples per operation and method, against $url"
export SCHEMATHESIS_HOOKS=hooks
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export WARDEN_KNOWN_BUGS_SEEN="$work/known-bugs-seen"
: >"$WARDEN_KNOWN_BUGS_SEEN"
checks="lapi_server_errors,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,auth_enforced"
# run NAME TOKEN ARGS...: one schemathesis run; its JUnit report in $work/NAME.xml.
run() {
    local name="$1" bearer="$2"
    shift 2
    "$venv/bin/st" run "$root/openapi.yaml" --base-url "$url" \
        --checks "$checks" --data-generation-method all --generation-with-security-parameters false \
        --hypothesis-max-examples "$max_examples" --hypothesis-seed "$seed" \
        --hypothesis-suppress-health-check all --hypothesis-deadline 10000 \
        --request-timeout 10000 --workers "$workers" --validate-schema true \
        --header "X-Api-Key: $key" --header "Authorization: Bearer $bearer" \
        --junit-xml "$work/$name.xml" --cassette-path "$work/$name.cassette.yaml" --no-color --show-trace \
        "$@" >"$work/$name.log" 2>&1
    local status=$?
    # The failures' details (requests to reproduce, with curl lines) when there are any.
    if [ "$status" -ne 0 ]; then sed -n '/FAILURES/,$p' "$work/$name.log" | sed 's/^/# /'; fi
    return "$status"
}
started=$SECONDS
run all "$token" --exclude-path /v1/watchers/self
run self "$leaver_token" --include-path /v1/watchers/self
elapsed=$((SECONDS - started))

# One report line per operation (per JUnit test case), from both runs.
report="$(python3 - "$work/all.xml" "$work/self.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError) as error:
        print(f"not ok - no schemathesis report {path}: {error}")
        continue
    for case in tree.iter("testcase"):
        bad = case.find("failure") is not None or case.find("error") is not None
        print(f"{'not ok' if bad else 'ok'} - {case.get('name')}")
PY
)"
printf '%s\n' "$report"
passed=$((passed + $(grep -c '^ok - ' <<<"$report")))
failed=$((failed + $(grep -c '^not ok - ' <<<"$report")))
# The answers' status codes per operation, from the cassettes (what the run reached).
"$venv/bin/python" - "$work/all.cassette.yaml" "$work/self.cassette.yaml" <<'PY' || true
import collections, sys, yaml
counts = collections.defaultdict(collections.Counter)
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError:
        continue
    for interaction in (data or {}).get("http_interactions", []):
        request, response = interaction["request"], interaction["response"]
        route = request["uri"].split("?")[0].split("/", 3)[-1]
        counts[f"{request['method']} /{route}" if "/" not in route[:1] else route][response["status"]["code"]] += 1
by_template = collections.defaultdict(collections.Counter)
for route, statuses in counts.items():
    parts = route.split(" ", 1)
    path = parts[1]
    for prefix in ("/v1/alerts/", "/v1/decisions/", "/v1/allowlists/check/", "/v1/allowlists/"):
        if path.startswith(prefix) and path != "/v1/decisions/stream" and path != "/v1/allowlists/check" \
                and "/" not in path[len(prefix):]:
            path = prefix + "*"
            break
    by_template[f"{parts[0]} {path}"].update(statuses)
for route in sorted(by_template):
    print(f"# {route}: " + ", ".join(f"{code}x{n}" for code, n in sorted(by_template[route].items())))
PY
requests="$(cat "$work/all.log" "$work/self.log" 2>/dev/null | sed -n 's/^ *status_code_conformance *[0-9]* \/ \([0-9]*\) passed.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')"
echo "# $(grep -c ' - ' <<<"$report") operations, ${requests:-?} checked answers, in $elapsed s"

if kill -0 "$daemon" 2>/dev/null; then ok "warden-daemon is still running"; else not_ok "warden-daemon died during the run"; fi
if curl -fsS "$url/health" 2>/dev/null | grep -q '"status":"up"'; then
    ok "/health still answers up"
else
    not_ok "/health no longer answers"
fi
if grep -aqiE 'fatal error|precondition failed|assertion failed' "$work/daemon.log"; then
    not_ok "the daemon's log shows a crash:"
    grep -aiE 'fatal error|precondition failed|assertion failed' "$work/daemon.log" | head -5 | sed 's/^/# /'
fi
sort -u "$WARDEN_KNOWN_BUGS_SEEN" | sed 's/^/# known bug still seen: /'
finish
