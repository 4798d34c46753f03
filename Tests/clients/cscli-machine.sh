#!/usr/bin/env bash
# Real `cscli` 1.4.6 as a machine of Warden's Local API: a credentials file from
# `warden machines add`, then `cscli decisions add --ip`, `--range` and
# `decisions import -i` of a CSV; each ban must appear in `warden ban list` and in
# GET /v1/decisions. Warden only: cscli talks to MACHINE_URL (the daemon of WARDEN_CONFIG,
# default LAPI_URL), decisions are read at LAPI_URL with the bouncer key LAPI_KEY.
# Prints TAP-like lines (lib.sh) and exits 1 if a check failed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
for v in LAPI_URL LAPI_KEY WARDEN_BIN WARDEN_CONFIG; do
    if [ -z "${!v:-}" ]; then
        echo "$(basename "$0"): $v is not set; real-clients.sh sets it" >&2
        exit 64
    fi
done
dir="$(mktemp -d /tmp/wcscli.XXXXXX)"
trap 'rm -rf "$dir"' EXIT

# cscli reads only the credentials for these commands, but insists on a config with paths.
mkdir -p "$dir/data" "$dir/hub"
echo '{}' >"$dir/hub/.index.json"
cat >"$dir/config.yaml" <<YAML
common:
  log_media: stdout
  log_level: error
config_paths:
  config_dir: $dir/
  data_dir: $dir/data/
  hub_dir: $dir/hub/
  index_path: $dir/hub/.index.json
cscli:
  output: human
  color: "no"
api:
  client:
    credentials_path: $dir/credentials.yaml
YAML
cscli_run() { cscli -c "$dir/config.yaml" "$@" >"$dir/out" 2>&1 || { sed 's/^/# /' "$dir/out" >&2; return 1; }; }

add_machine() {
    "$WARDEN_BIN" -c "$WARDEN_CONFIG" machines add "cscli-real-$$" --auto -f "$dir/credentials.yaml" \
        -u "${MACHINE_URL:-$LAPI_URL}" >/dev/null
}
check "warden machines add writes credentials cscli accepts" add_machine

listed() { "$WARDEN_BIN" -c "$WARDEN_CONFIG" ban list -o raw | grep -q "$1"; }
# served IP VALUE: GET /v1/decisions?ip=IP has VALUE (within 5 s: LAPI_URL may be another node).
served() { poll 5 served_now "$@"; }
served_now() {
    curl -fsS -H "X-Api-Key: $LAPI_KEY" "${LAPI_URL%/}/v1/decisions?ip=$1" | grep -q "\"value\":\"$2\""
}

check "cscli decisions add --ip succeeds" \
    cscli_run decisions add --ip 198.51.100.77 --duration 2h --reason "real cscli ip"
check "the --ip ban is in warden ban list" listed 198.51.100.77
check "the --ip ban is in GET /v1/decisions" served 198.51.100.77 198.51.100.77

check "cscli decisions add --range succeeds" \
    cscli_run decisions add --range 198.51.100.64/28 --type captcha --reason "real cscli range"
check "the --range ban is in warden ban list" listed 198.51.100.64/28
check "the --range ban is in GET /v1/decisions" served 198.51.100.70 198.51.100.64/28

cat >"$dir/import.csv" <<CSV
value,duration,reason,type
203.0.113.61,1h,real import,ban
203.0.113.62,,real import 2,
203.0.113.64/30,30m,real import range,captcha
CSV
check "cscli decisions import -i CSV succeeds" cscli_run decisions import -i "$dir/import.csv"
for target in 203.0.113.61 203.0.113.62 203.0.113.64/30; do
    check "the imported $target is in warden ban list" listed "$target"
done
check "the imported range is in GET /v1/decisions" served 203.0.113.65 203.0.113.64/30
finish
