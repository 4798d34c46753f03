#!/usr/bin/env bash
# Prints Warden's ratios to the other rows of one run.sh run, one line per N, from
# run.sh's rows file (measure.sh's columns, then RSS before loading). Each "x" column
# says how many times better Warden did than the other server (higher is better for
# Warden whatever the unit); "-" where that server was not measured.
#   lookups  req/s and p99 of the wrk mix, against CrowdSec (goal >= 100x) and against
#            nginx's constant `null` (the machine's HTTP limit; reported only)
#   /health  Warden's req/s over its own constant GET /health row, same wrk load
#            (goal >= 0.8: the lookups cost little over what the server stack does)
#   stream   startup=true time (goal <= 0.1 s at 100k) and body size (Warden/CrowdSec:
#            1.0 means the same bytes), idle delta time
#   memory   RSS growth from before loading to after measuring, per 100k decisions
set -euo pipefail
[ $# -eq 1 ] || { echo "Usage: Benchmarks/api/ratios.sh ROWS.tsv" >&2; exit 64; }
echo "# Warden against the other rows (x: times better than that server, below 1 worse; goals in brackets)"
awk -F'\t' '
function x(num, den) { return (num == "" || den == "" || num == "-" || den == "-" || den + 0 == 0) ? "-" : sprintf("%.1f", num / den) }
function growth(row, n) { return (rss0[row] == "-" || rss0[row] == "") ? "" : (rss[row] - rss0[row]) * 100000 / n }
{
    key = $1 SUBSEP $2
    rps[key] = $4; p99[key] = $7; startup[key] = $11; mb[key] = $12; delta[key] = $13; rss[key] = $14; rss0[key] = $18
    if ($1 == "warden") sizes[++count] = $2
    if ($1 == "nginx-null") nginx = $4
    if ($1 == "warden-health") health = $4
}
END {
    printf "N\treq/s\tx CrowdSec [>=100]\tx nginx-null\tof /health [>=0.8]\tp99_ms\tx CrowdSec [>=100]\tstartup_s [<=0.1 at 100k]\tx CrowdSec\tbody vs CrowdSec\tdelta_ms\tx CrowdSec\tRSS MB/100k\tx CrowdSec\n"
    for (i = 1; i <= count; i++) {
        n = sizes[i]; w = "warden" SUBSEP n; c = "crowdsec-1.4.6" SUBSEP n
        wg = growth(w, n); cg = growth(c, n)
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n,
            rps[w], x(rps[w], rps[c]), x(rps[w], nginx), (health == "" ? "-" : sprintf("%.2f", rps[w] / health)),
            p99[w], x(p99[c], p99[w]),
            startup[w], x(startup[c], startup[w]), (mb[c] == "" ? "-" : sprintf("%.2f", mb[w] / mb[c])),
            delta[w], x(delta[c], delta[w]),
            (wg == "" ? "-" : sprintf("%.1f", wg)), x(cg, wg)
    }
}' "$1" | column -t -s $'\t'
