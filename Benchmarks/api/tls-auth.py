#!/usr/bin/env python3
"""What a TLS client certificate costs a bouncer, against an API key over the same TLS.

Usage: python3 Benchmarks/api/tls-auth.py URL KEY PKI [N]
  URL  an https Local API (Warden or CrowdSec), KEY a bouncer key it accepts, PKI a folder
  made by Tests/clients/test-pki.sh (ca.pem, fw.pem/fw.key: a bouncer certificate).
Sends N (default 2000) `GET /v1/decisions?ip=192.0.2.1` on one kept-alive connection, once
with the key and once with the certificate, after 50 of each as warm-up, and N fresh
connections of each (handshake included). Prints the medians and 99th percentiles in
microseconds, one line a case.
"""
import http.client
import ssl
import statistics
import sys
import time
import urllib.parse


def context(pki, certificate):
    ctx = ssl.create_default_context(cafile=f"{pki}/ca.pem")
    if certificate:
        ctx.load_cert_chain(f"{pki}/fw.pem", f"{pki}/fw.key")
    return ctx


def one(conn, key):
    conn.request("GET", "/v1/decisions?ip=192.0.2.1", headers={"X-Api-Key": key} if key else {})
    answer = conn.getresponse()
    answer.read()
    if answer.status != 200:
        raise SystemExit(f"tls-auth.py: answer {answer.status}; check the key, the certificate and the server's tls keys")


def kept_alive(host, port, ctx, key, n):
    conn = http.client.HTTPSConnection(host, port, context=ctx)
    for _ in range(50):
        one(conn, key)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        one(conn, key)
        times.append((time.perf_counter() - start) * 1e6)
    conn.close()
    return times


def fresh(host, port, ctx, key, n):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        conn = http.client.HTTPSConnection(host, port, context=ctx)
        one(conn, key)
        conn.close()
        times.append((time.perf_counter() - start) * 1e6)
    return times


def report(name, times):
    ordered = sorted(times)
    print(f"{name:<34} median {statistics.median(ordered):8.0f} us   p99 {ordered[int(len(ordered) * 0.99) - 1]:8.0f} us")


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    url, key, pki = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname, parsed.port
    report("kept alive, API key", kept_alive(host, port, context(pki, False), key, n))
    report("kept alive, client certificate", kept_alive(host, port, context(pki, True), None, n))
    report("new connection, API key", fresh(host, port, context(pki, False), key, n // 4))
    report("new connection, client certificate", fresh(host, port, context(pki, True), None, n // 4))


if __name__ == "__main__":
    main()
