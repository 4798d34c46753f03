#!/usr/bin/env bash
# TLS client certificates instead of keys and passwords (api.server.tls: ca_cert_path,
# crl_path, bouncers_allowed_ou, agents_allowed_ou), with a private CA (test-pki.sh):
#   1. the same requests to Warden and to CrowdSec 1.4.6's LAPI (reference-lapi.sh with
#      TLS_DIR), each answer (status and body) compared with CrowdSec's and pinned:
#      bouncer and agent certificates, a revoked one, a wrong OU, a CA nobody trusts, a
#      key beside a certificate, a key alone;
#   2. the clients registered as CrowdSec registers them (`CN@ADDRESS`, auth type tls);
#   3. the real clients on Warden with certificates only: crowdsec-firewall-bouncer and
#      crowdsec-custom-bouncer (cert_path/key_path/ca_cert_path), the crowdsec agent and
#      cscli (a credentials file with a certificate and no password).
# Usage: bash Tests/clients/tls-certificates.sh   (root; after `swift build` and
# Tests/clients/install.sh). WARDEN_BIN_DIR: warden, warden-daemon and the backends to
# use instead of `swift build --show-bin-path`. Prints `ok - ...`/`not ok - ...` lines,
# then `N passed, N failed`.
# (Called as `tls-certificates.sh machine-add NAME FILE` it is the agent tests'
# MACHINE_ADD: FILE gets credentials with a new agent certificate of $TLS_PKI, CN=NAME.)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ "${1:-}" = machine-add ]; then
    # The server names the machine after the certificate: NAME@127.0.0.1 (agent-lib.sh's machine_name).
    bash "$here/test-pki.sh" client "$TLS_PKI" "$2" agent-ou
    cat >"$3" <<YAML
url: ${LAPI_URL%/}/
ca_cert_path: $TLS_PKI/ca.pem
cert_path: $TLS_PKI/$2.pem
key_path: $TLS_PKI/$2.key
YAML
    exit 0
fi

# shellcheck source=Tests/clients/lib.sh
. "$here/lib.sh"
bin="${WARDEN_BIN_DIR:-$(cd "$root" && swift build --show-bin-path)}"
work="$(mktemp -d /tmp/warden-tls.XXXXXX)"
chmod 755 "$work"
daemon=""
cleanup() {
    [ -z "$daemon" ] || { kill -TERM "$(cat "$work/warden/config.pid")" 2>/dev/null; sleep 0.5; }
    bash "$here/reference-lapi.sh" down "$work/reference" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

pki="$work/pki"
bash "$here/test-pki.sh" make "$pki" fw:bouncer-ou custom:bouncer-ou agent1:agent-ou revoked-b:bouncer-ou \
    revoked-a:agent-ou wrongou:other-ou
bash "$here/test-pki.sh" revoke "$pki" revoked-b
bash "$here/test-pki.sh" revoke "$pki" revoked-a
bash "$here/test-pki.sh" foreign "$pki" stranger bouncer-ou
export TLS_PKI="$pki"

# CrowdSec 1.4.6, the oracle.
if ! TLS_DIR="$pki" bash "$here/reference-lapi.sh" up "$work/reference" >"$work/reference.out" 2>&1; then
    not_ok "CrowdSec 1.4.6's LAPI starts with TLS"; cat "$work/reference.out"; finish; exit 1
fi
reference_url="$(. "$work/reference/env"; echo "$LAPI_URL")"
reference_key="$(. "$work/reference/env"; echo "$LAPI_KEY")"

# Warden with the same TLS settings, on SQLite.
key="tls-test-key-0123456789abcdef"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$work/warden/backends"
cat >"$work/warden/backends/sqlite.yaml" <<YAML
name: sqlite
path: $bin/libwarden-backend-sqlite.so
config:
  db_path: $work/warden/warden.db
YAML
cat >"$work/warden/config.yaml" <<YAML
plugin:
  backend: ./backends
api:
  server:
    listen_uri: 127.0.0.1:$port
    bouncers_file: ./bouncers
    tls:
      cert_file: $pki/server.pem
      key_file: $pki/server.key
      client_verification: VerifyClientCertIfGiven
      ca_cert_path: $pki/ca.pem
      crl_path: $pki/ca.crl
      bouncers_allowed_ou: [bouncer-ou]
      agents_allowed_ou: [agent-ou]
YAML
cp "$root/config/profiles.yaml" "$work/warden/profiles.yaml"
config="$work/warden/config.yaml"
"$bin/warden" -c "$config" bouncers add keyed -k "$key" >/dev/null
"$bin/warden-daemon" -c "$config" >"$work/warden/config.log" 2>&1 &
daemon=$!
echo "$daemon" >"$work/warden/config.pid"
warden_url="https://127.0.0.1:$port"
for _ in $(seq 100); do curl -fsS --cacert "$pki/ca.pem" "$warden_url/health" >/dev/null 2>&1 && break; sleep 0.1; done

# answer URL KEY CASE: the status and body of one request; a token and its expiry are
# replaced by placeholders, and the reason LAPI appends to a refused certificate login
# is cut after its prefix (each server words it its own way).
answer() {
    local url="$1" key="$2" args=(-s --max-time 10 --cacert "$pki/ca.pem" -w '\n%{http_code}')
    case "$3" in
        bouncer-cert) args+=(--cert "$pki/fw.pem" --key "$pki/fw.key" "$url/v1/decisions?ip=192.0.2.1") ;;
        agent-cert-as-bouncer) args+=(--cert "$pki/agent1.pem" --key "$pki/agent1.key" "$url/v1/decisions?ip=192.0.2.1") ;;
        revoked-bouncer-cert) args+=(--cert "$pki/revoked-b.pem" --key "$pki/revoked-b.key" "$url/v1/decisions?ip=192.0.2.1") ;;
        wrong-ou-cert-with-key) args+=(--cert "$pki/wrongou.pem" --key "$pki/wrongou.key" -H "X-Api-Key: $key" "$url/v1/decisions?ip=192.0.2.1") ;;
        key-alone) args+=(-H "X-Api-Key: $key" "$url/v1/decisions?ip=192.0.2.1") ;;
        bouncer-cert-stream) args+=(--cert "$pki/fw.pem" --key "$pki/fw.key" "$url/v1/decisions/stream?startup=true") ;;
        agent-login) args+=(--cert "$pki/agent1.pem" --key "$pki/agent1.key" -A crowdsec/v1.4.6 -d '{"scenarios":["crowdsecurity/ssh-bf"]}' "$url/v1/watchers/login") ;;
        agent-login-with-wrong-password) args+=(--cert "$pki/agent1.pem" --key "$pki/agent1.key" -A crowdsec/v1.4.6 -d '{"machine_id":"nobody","password":"wrong"}' "$url/v1/watchers/login") ;;
        revoked-agent-login) args+=(--cert "$pki/revoked-a.pem" --key "$pki/revoked-a.key" -A crowdsec/v1.4.6 -d '{"scenarios":[]}' "$url/v1/watchers/login") ;;
        bouncer-cert-login) args+=(--cert "$pki/fw.pem" --key "$pki/fw.key" -A crowdsec/v1.4.6 -d '{"scenarios":[]}' "$url/v1/watchers/login") ;;
        untrusted-ca) args+=(--cert "$pki/stranger.pem" --key "$pki/stranger.key" "$url/v1/decisions?ip=192.0.2.1") ;;
    esac
    curl "${args[@]}" 2>/dev/null | sed -E 's/"token":"[^"]*"/"token":"TOKEN"/; s/"expire":"[^"]*"/"expire":"TIME"/;
        s/(while trying to validate client cert: )[^"]*/\1REASON/' | tr '\n' ' '
}

# Each case: what both servers must answer (status, then body).
declare -A expected=(
    [bouncer-cert]='null 200'
    [agent-cert-as-bouncer]='{"message":"access forbidden"} 403'
    [revoked-bouncer-cert]='{"message":"access forbidden"} 403'
    [wrong-ou-cert-with-key]='{"message":"access forbidden"} 403'
    [key-alone]='null 200'
    [bouncer-cert-stream]='{"deleted":null,"new":null} 200'
    [agent-login]='{"code":200,"expire":"TIME","token":"TOKEN"} 200'
    [agent-login-with-wrong-password]='{"code":200,"expire":"TIME","token":"TOKEN"} 200'
    [revoked-agent-login]='{"message":"access forbidden"}{"code":401,"message":"while trying to validate client cert: REASON"} 403'
    [bouncer-cert-login]='{"message":"access forbidden"}{"code":401,"message":"while trying to validate client cert: REASON"} 403'
    [untrusted-ca]=' 000'
)
for case in bouncer-cert agent-cert-as-bouncer revoked-bouncer-cert wrong-ou-cert-with-key key-alone \
    bouncer-cert-stream agent-login agent-login-with-wrong-password revoked-agent-login bouncer-cert-login untrusted-ca; do
    theirs="$(answer "$reference_url" "$reference_key" "$case")"
    ours="$(answer "$warden_url" "$key" "$case")"
    if [ "$theirs" = "${expected[$case]}" ] && [ "$ours" = "$theirs" ]; then
        ok "$case: Warden answers as CrowdSec 1.4.6 does: $ours"
    else
        not_ok "$case: Warden answers '$ours', CrowdSec 1.4.6 '$theirs', expected '${expected[$case]}'"
    fi
done

# Registered as CrowdSec registers them (what the daemon saw of them is written within seconds).
listed() { "$bin/warden" -c "$config" "$1" list -o raw | grep -Eq "$2"; }
check "the bouncer certificate registered bouncer fw@127.0.0.1 with auth type tls" \
    poll 10 listed bouncers '^fw@127\.0\.0\.1,127\.0\.0\.1,.*,tls$'
check "the agent certificate registered machine agent1@127.0.0.1, validated, auth type tls" \
    poll 10 listed machines '^agent1@127\.0\.0\.1,127\.0\.0\.1,validated,v1\.4\.6,.*,tls$'
check "CrowdSec 1.4.6 registered the same two names" \
    grep -q 'fw@127.0.0.1' <(bash "$here/reference-lapi.sh" cscli "$work/reference" bouncers list -o raw 2>/dev/null)
check "a password does not log in the machine a certificate registered" \
    grep -q '"code":401' <(curl -s --cacert "$pki/ca.pem" -A crowdsec/v1.4.6 \
        -d '{"machine_id":"agent1@127.0.0.1","password":"guess"}' "$warden_url/v1/watchers/login")
bash "$here/reference-lapi.sh" down "$work/reference" >/dev/null 2>&1

# The real clients, on Warden, with certificates only.
run_client() {
    local output status
    output="$(env "$@" 2>&1)"
    status=$?
    printf '%s\n' "$output" | grep -E '^(not )?ok - ' | sed "s/^\(\(not \)\{0,1\}ok - \)/\1[certificate] /"
    passed=$((passed + $(grep -c '^ok - ' <<<"$output")))
    local f
    f="$(grep -c '^not ok - ' <<<"$output")"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $*: exited $status without a failed check"; printf '%s\n' "$output" | tail -5 | sed 's/^/#   /'
        f=1
    fi
    failed=$((failed + f))
}
common=(LAPI_URL="$warden_url" LAPI_KEY="$key" LAPI_CA="$pki/ca.pem" WARDEN_CONFIG="$config" WARDEN_BIN="$bin/warden"
    BAN_ADD="$here/warden-adapter.sh add" BAN_DEL="$here/warden-adapter.sh del")
run_client "${common[@]}" LAPI_CERT="$pki/fw.pem" LAPI_CERT_KEY="$pki/fw.key" bash "$here/firewall-bouncer.sh"
run_client "${common[@]}" LAPI_CERT="$pki/custom.pem" LAPI_CERT_KEY="$pki/custom.key" bash "$here/custom-bouncer.sh"
machine=(MACHINE_ADD="$here/tls-certificates.sh machine-add" SERVER_RESTART="$here/warden-adapter.sh restart"
    WARDEN_PIDFILE="$work/warden/config.pid" WARDEN_DAEMON="$bin/warden-daemon" WARDEN_LOG="$work/warden/config.log"
    PROFILES_PATH="$work/warden/profiles.yaml")
run_client "${common[@]}" "${machine[@]}" bash "$here/agent.sh"
run_client "${common[@]}" "${machine[@]}" bash "$here/cscli.sh"
check "the bouncers' certificates registered fw@127.0.0.1 and custom@127.0.0.1" \
    test "$("$bin/warden" -c "$config" bouncers list -o raw | grep -Ec '^(fw|custom)@127\.0\.0\.1,.*,tls$')" -ge 2
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
