#!/usr/bin/env python3
"""Hostile clients against a real `warden-daemon`, with a bouncer measured throughout.

1. Slow clients: 2,000 connections (from 127.0.0.2-9) each send half a request head and
   stop. The bouncer (127.0.0.1) keeps getting its answers; the daemon closes every slow
   connection at `read_header_timeout`, and its open files come back to where they were.
2. A login flood: 8 threads post wrong passwords from 127.0.0.20 as fast as they can.
   Failed logins are throttled (429); the bouncer keeps getting its answers; a real agent
   logs in meanwhile, both one that logged in before and one that never did.

Latencies are printed (figures for the README and the issue note), never judged: the
checks are what clients get and what the daemon keeps. Prints `ok`/`not ok` lines, then
`N passed, N failed` as its last line.

Usage: hostile-clients.py BIN_DIR   (warden, warden-daemon, libwarden-backend-sqlite.so)
"""
import http.client
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SLOW_CONNECTIONS = 2000
SLOW_SOURCES = [f"127.0.0.{n}" for n in range(2, 10)]
HEADER_TIMEOUT_S = 20
FLOOD_THREADS = 8
FLOOD_SECONDS = 6
AGENT_UA = "crowdsec/v1.4.6-6~deb12u1+b1-linux-debian"

passed = failed = 0


def check(description, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok - {description}")
    else:
        failed += 1
        print(f"not ok - {description}" + (f": {detail}" if detail else ""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Bouncer:
    """A live-mode bouncer on one kept-alive connection, timing each lookup."""

    def __init__(self, port, key):
        self.port, self.key = port, key
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def lookup(self):
        start = time.perf_counter()
        try:
            self.connection.request("GET", "/v1/decisions?ip=192.0.2.7", headers={"X-Api-Key": self.key})
            answer = self.connection.getresponse()
            body = answer.read()
            status = answer.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            status, body = 0, b""
        return status, body, (time.perf_counter() - start) * 1000

    def run_for(self, seconds, pause=0.02):
        """Lookups until `seconds` pass; returns (statuses, milliseconds)."""
        statuses, times = [], []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            status, _, ms = self.lookup()
            statuses.append(status)
            times.append(ms)
            time.sleep(pause)
        return statuses, times


def describe(times):
    return (f"median {statistics.median(times):.2f} ms, p99 {percentile(times, 0.99):.2f} ms, "
            f"max {max(times):.2f} ms over {len(times)} lookups")


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def login(port, machine, password, source):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        body = json.dumps({"machine_id": machine, "password": password, "scenarios": []})
        connection.request("POST", "/v1/watchers/login", body=body,
                           headers={"User-Agent": AGENT_UA, "Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def main():
    bin_dir = os.path.abspath(sys.argv[1])
    # The slow clients need file descriptors, and so does the daemon (it inherits these).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    work = tempfile.mkdtemp(prefix="warden-hostile.")
    port, metrics_port = free_port(), free_port()
    os.makedirs(f"{work}/backends")
    with open(f"{work}/config.yaml", "w") as f:
        f.write(f"""plugin:
  backend: ./backends
api:
  server:
    listen_uri: 127.0.0.1:{port}
    bouncers_file: ./bouncers
    read_header_timeout: {HEADER_TIMEOUT_S}s
prometheus:
  listen_addr: 127.0.0.1
  listen_port: {metrics_port}
""")
    with open(f"{work}/backends/sqlite.yaml", "w") as f:
        f.write(f"name: sqlite\npath: {bin_dir}/libwarden-backend-sqlite.so\nconfig:\n  db_path: {work}/warden.db\n")
    cli = [f"{bin_dir}/warden", "-c", f"{work}/config.yaml"]
    key = subprocess.run(cli + ["bouncers", "add", "hostile", "-o", "raw"], check=True, capture_output=True,
                         text=True).stdout.strip()
    for machine in ("agent-known", "agent-new"):
        subprocess.run(cli + ["machines", "add", machine, "-p", f"{machine}-Passw0rd"], check=True, capture_output=True)
    subprocess.run(cli + ["ban", "add", "ip", "192.0.2.7", "4h", "hostile test"], check=True, capture_output=True)
    log = open(f"{work}/daemon.log", "w")
    daemon = subprocess.Popen([f"{bin_dir}/warden-daemon", "-c", f"{work}/config.yaml"], stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
                break
            except OSError:
                time.sleep(0.1)
        bouncer = Bouncer(port, key)
        status, body, _ = bouncer.lookup()
        check("the bouncer's lookup finds the ban", status == 200 and b'"value":"192.0.2.7"' in body, body[:200])
        statuses, baseline = bouncer.run_for(2)
        print(f"# bouncer alone: {describe(baseline)}")
        files_before = open_files(daemon.pid)

        # ---- 1. slow clients ----
        slow = []
        started = time.monotonic()
        for n in range(SLOW_CONNECTIONS):
            s = socket.socket()
            s.bind((SLOW_SOURCES[n % len(SLOW_SOURCES)], 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /v1/decisions?ip=192.0.2.7 HTTP/1.1\r\nHost: warden\r\nX-Api-Key: ")
            slow.append(s)
        opened_in = time.monotonic() - started
        time.sleep(0.5)
        files_during = open_files(daemon.pid)
        print(f"# {SLOW_CONNECTIONS} slow connections opened in {opened_in:.1f} s; "
              f"daemon's open files {files_before} -> {files_during}")
        statuses, during = bouncer.run_for(2)
        print(f"# bouncer beside {SLOW_CONNECTIONS} slow connections: {describe(during)}")
        check(f"every lookup beside {SLOW_CONNECTIONS} slow connections is answered 200",
              statuses and all(s == 200 for s in statuses), f"statuses {sorted(set(statuses))}")
        check("the daemon held the slow connections (they reached it)", files_during - files_before >= SLOW_CONNECTIONS * 0.9,
              f"{files_during - files_before} more open files")
        # Every slow connection is closed by the daemon at its deadline.
        deadline = started + HEADER_TIMEOUT_S + 15
        closed = 0
        for s in slow:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                if s.recv(1) == b"":
                    closed += 1
            except ConnectionResetError:
                closed += 1
            except OSError:
                pass
        closed_after = time.monotonic() - started
        for s in slow:
            s.close()
        check(f"the daemon closed all {SLOW_CONNECTIONS} slow connections (read_header_timeout {HEADER_TIMEOUT_S}s)",
              closed == SLOW_CONNECTIONS, f"{closed} closed")
        print(f"# slow connections closed by {closed_after:.1f} s after the first opened")
        files_after = 0
        for _ in range(50):
            files_after = open_files(daemon.pid)
            if files_after <= files_before + 5:
                break
            time.sleep(0.1)
        check("the daemon's open files come back once they are gone", files_after <= files_before + 5,
              f"{files_before} before, {files_after} after")

        # ---- 2. login flood ----
        check("agent-known logs in before the flood", login(port, "agent-known", "agent-known-Passw0rd", "127.0.0.21") == 200)
        counts = {}
        stop = threading.Event()
        lock = threading.Lock()

        def guess():
            while not stop.is_set():
                try:
                    status = login(port, "agent-known", "wrong-password", "127.0.0.20")
                except OSError:
                    status = 0
                with lock:
                    counts[status] = counts.get(status, 0) + 1

        threads = [threading.Thread(target=guess) for _ in range(FLOOD_THREADS)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        statuses, flooded = bouncer.run_for(FLOOD_SECONDS / 2)
        known = login(port, "agent-known", "agent-known-Passw0rd", "127.0.0.21")
        fresh = login(port, "agent-new", "agent-new-Passw0rd", "127.0.0.22")
        more_statuses, more = bouncer.run_for(FLOOD_SECONDS / 2)
        stop.set()
        for thread in threads:
            thread.join()
        statuses += more_statuses
        flooded += more
        print(f"# bouncer during {FLOOD_THREADS} threads of wrong passwords: {describe(flooded)}")
        print(f"# login answers to the flood: {dict(sorted(counts.items()))}")
        check("every lookup during the login flood is answered 200", all(s == 200 for s in statuses),
              f"statuses {sorted(set(statuses))}")
        # Up to one check per thread may be in flight when the free failures run out.
        check("the flood is throttled (429) once its free failures are spent",
              counts.get(429, 0) > 0 and counts.get(401, 0) <= 5 + FLOOD_THREADS, str(counts))
        check("the flood gets no other answer than 401 and 429", set(counts) <= {401, 429}, str(counts))
        check("an agent that logged in before gets in during the flood", known == 200, f"status {known}")
        check("an agent logging in for the first time gets in during the flood", fresh == 200, f"status {fresh}")
        metrics = subprocess.run(cli + ["metrics"], capture_output=True, text=True).stdout
        lines = metrics.splitlines()
        for title in ("Machine logins:", "Connections closed by the daemon:"):
            if title in lines:
                at = lines.index(title)
                print("\n".join("# " + line for line in lines[at:at + 4] if line.strip()))
        check("the daemon is still running", daemon.poll() is None)
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
        if failed:
            with open(f"{work}/daemon.log") as f:
                print("".join("# " + line for line in f.readlines()[-30:]), end="")
        subprocess.run(["rm", "-rf", work])
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
