#!/usr/bin/env bash
# Prints the benchmark's N ban targets, one a line: N - N/10 IPv4 addresses counted
# up from 11.0.0.0 and N/10 IPv4 /24 ranges counted up from 60.0.0.0. They are only
# values stored in the server (never contacted). mix.lua derives its queries from
# the same two counts and bases; keep the two files in step.
set -euo pipefail
usage() { echo "Usage: Benchmarks/api/targets.sh N   (prints N targets, N >= 10)"; }
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") usage >&2; exit 64 ;;
esac
n="$1"
[ "$n" -ge 10 ] 2>/dev/null || { echo "targets.sh: N must be a number >= 10, got '$n'" >&2; exit 64; }
awk -v n="$n" 'function dotted(a) { return sprintf("%d.%d.%d.%d", int(a / 16777216) % 256, int(a / 65536) % 256, int(a / 256) % 256, a % 256) }
BEGIN {
    ranges = int(n / 10); ips = n - ranges
    for (i = 0; i < ips; i++) print dotted(11 * 16777216 + i)
    for (j = 0; j < ranges; j++) print dotted(60 * 16777216 + j * 256) "/24"
}'
