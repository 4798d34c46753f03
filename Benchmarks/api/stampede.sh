#!/usr/bin/env bash
# Bouncer stampedes (crowdsecurity/crowdsec#1927): a server holding N decisions (targets.sh)
# gets CLIENTS `startup=true` stream pulls at the same moment (stampede.py), with gzip
# accepted (as Go's and Python's HTTP clients ask by default) and refused. Servers:
# `warden run` (release, SQLite, warden-lapi.sh) and CrowdSec 1.4.6's LAPI
# (Tests/clients/reference-lapi.sh), each fresh and loaded once. Prints one table, then
# Warden's ratios to CrowdSec for the client counts both ran.
set -euo pipefail
usage() {
    cat <<'TEXT'
Usage: Benchmarks/api/stampede.sh [--n N] [--clients C,...] [--reference-clients C,...]
                                  [--no-reference] [--out FILE]

  --n N                    decisions loaded (default 300000; a tenth are /24 ranges)
  --clients C,...          Warden's stampede sizes (default 10,100)
  --reference-clients C,.. CrowdSec's (default 10: at 300k, 10 of its startups at once
                           took 4 GB and 39 s here; 100 took 44 GB in #1927)
  --no-reference           Warden only
  --out FILE               also write the table to FILE
Needs what Tests/clients/install.sh installs (CrowdSec 1.4.6 for the reference).
TEXT
}
here="$(cd "$(dirname "$0")" && pwd)"
n=300000 clients=10,100 reference_clients=10 reference=yes out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --n) n="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --reference-clients) reference_clients="$2"; shift 2 ;;
        --no-reference) reference=no; shift ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "stampede.sh: unknown option '$1'; see --help" >&2; exit 64 ;;
    esac
done
tmp="$(mktemp -d /tmp/wch-stampede.XXXXXX)"
wardendir="" refdir=""
cleanup() {
    [ -z "$wardendir" ] || bash "$here/warden-lapi.sh" down "$wardendir"
    [ -z "$refdir" ] || bash "$here/../../Tests/clients/reference-lapi.sh" down "$refdir"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rows="$tmp/rows.tsv"
: >"$rows"
"$here/targets.sh" "$n" >"$tmp/targets.txt"

# stampedes NAME CLIENT_COUNTS: every count with gzip, then plain, on the server in env.
stampedes() {
    local count encoding
    IFS=, read -r -a counts <<<"$2"
    for count in "${counts[@]}"; do
        for encoding in gzip plain; do
            echo "$1 N=$n: $count clients at once, $encoding..." >&2
            python3 "$here/stampede.py" "$1" "$n" "$count" "$encoding" >>"$rows"
            sleep 2  # let the server settle between stampedes
        done
    done
}

echo "building warden (release)..." >&2
warden_bin="$(bash "$here/build-warden.sh")"
wardendir="$tmp/warden"
WARDEN_BIN="$warden_bin" bash "$here/warden-lapi.sh" up "$wardendir"
(
    . "$wardendir/env"
    export WARDEN_BIN="$warden_bin"
    echo "warden: loading $n decisions..." >&2
    $BAN_IMPORT "$tmp/targets.txt" 24h
    stampedes warden "$clients"
)
bash "$here/warden-lapi.sh" down "$wardendir"
wardendir=""

if [ "$reference" = yes ]; then
    refdir="$tmp/crowdsec"
    bash "$here/../../Tests/clients/reference-lapi.sh" up "$refdir"
    (
        . "$refdir/env"
        echo "crowdsec-1.4.6: loading $n decisions..." >&2
        $BAN_IMPORT "$tmp/targets.txt" 24h
        stampedes crowdsec-1.4.6 "$reference_clients"
    )
    bash "$here/../../Tests/clients/reference-lapi.sh" down "$refdir"
    refdir=""
fi

{
    echo "# bouncer stampede, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores: CLIENTS startup=true stream pulls at once"
    echo "# all_s: until the last client had its whole body; peak_MB: the server's VmHWM during it; wire_MB: one body as sent"
    {
        printf 'server\tN\tclients\tencoding\tall_s\tp50_s\twire_MB\tbody_MB\tdecisions\tRSS0_MB\tpeak_MB\terrors\n'
        cat "$rows"
    } | column -t -s $'\t'
    # Ratios: CrowdSec's time and peak over Warden's, per client count and encoding both ran.
    awk -F'\t' '
        $1 == "warden" { t[$3 " " $4] = $5; m[$3 " " $4] = $11 }
        $1 == "crowdsec-1.4.6" { ct[$3 " " $4] = $5; cm[$3 " " $4] = $11 }
        END {
            for (k in ct) if (k in t) {
                printf "crowdsec-1.4.6/warden, %s: time %.1fx, peak memory %.1fx\n", k, ct[k] / t[k], (cm[k] + 0) / (m[k] + 0)
            }
        }' "$rows"
} | tee ${out:+"$out"}
