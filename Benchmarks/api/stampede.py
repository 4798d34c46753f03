#!/usr/bin/env python3
"""A bouncer stampede against one running decisions API: CLIENTS bouncers pull
`GET /v1/decisions/stream?startup=true` at the same moment (threads released by one
barrier, each on its own connection), as when a fleet restarts after an upgrade.

Prints one tab-separated row:
  name n clients encoding all_s p50_s wire_mb body_mb decisions rss0_mb peak_mb errors
all_s: from the barrier until the last client has its whole body; wire_mb: one body as
sent; body_mb: one body inflated; decisions: `"value"` fields counted in one body (every
client's body is checked to hold the same count); rss0_mb: the server's RSS before;
peak_mb: its VmHWM during the stampede (reset through /proc/PID/clear_refs first, which
needs root; else the process's lifetime peak, marked with `*`).

Environment: LAPI_URL, LAPI_KEY, LAPI_PID (one pid, or several separated by spaces).
The clients share the machine's cores with the server: times are this machine's.
"""
import gzip
import http.client
import os
import statistics
import sys
import threading
import time
import urllib.parse


def usage():
    print("Usage: Benchmarks/api/stampede.py NAME N CLIENTS gzip|plain", file=sys.stderr)


def memory_kb(pids, key):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    total += int(line.split()[1])
    return total


def reset_peak(pids):
    try:
        for pid in pids:
            with open(f"/proc/{pid}/clear_refs", "w") as refs:
                refs.write("5")
        return True
    except OSError:
        return False


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in ("gzip", "plain"):
        usage()
        return 64
    name, n, clients, encoding = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    url = urllib.parse.urlsplit(os.environ["LAPI_URL"])
    key = os.environ["LAPI_KEY"]
    pids = os.environ["LAPI_PID"].split()

    headers = {"X-Api-Key": key, "User-Agent": "stampede/1"}
    headers["Accept-Encoding"] = "gzip" if encoding == "gzip" else "identity"
    barrier = threading.Barrier(clients + 1)
    results = [None] * clients

    def pull(slot):
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
        try:
            connection.connect()
            barrier.wait()
            connection.request("GET", "/v1/decisions/stream?startup=true", headers=headers)
            response = connection.getresponse()
            body = response.read()
            done = time.monotonic()
            results[slot] = (response.status, response.getheader("Content-Encoding"), body, done)
        except Exception as error:  # a refused or cut connection is counted, not raised
            results[slot] = (str(error), None, b"", time.monotonic())
        finally:
            connection.close()

    rss0 = memory_kb(pids, "VmRSS")
    exact_peak = reset_peak(pids)
    threads = [threading.Thread(target=pull, args=(slot,)) for slot in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.monotonic()
    for thread in threads:
        thread.join()
    peak = memory_kb(pids, "VmHWM")

    times = [done - start for (_, _, _, done) in results]
    errors = sum(1 for (status, _, _, _) in results if status != 200)
    counts = set()
    wire = inflated = 0
    for status, coding, body, _ in results:
        if status != 200:
            continue
        wire = len(body)
        text = gzip.decompress(body) if coding == "gzip" else body
        inflated = len(text)
        counts.add(text.count(b'"value"'))
    decisions = counts.pop() if len(counts) == 1 else "differ:" + ",".join(map(str, sorted(counts)))
    print("\t".join([
        name, n, str(clients), encoding, f"{max(times):.2f}", f"{statistics.median(times):.2f}",
        f"{wire / 1e6:.1f}", f"{inflated / 1e6:.1f}", str(decisions), f"{rss0 / 1024:.0f}",
        f"{peak / 1024:.0f}" + ("" if exact_peak else "*"), str(errors),
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
