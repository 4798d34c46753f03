#!/usr/bin/env python3
"""Warden on a database cluster that loses a node, driven as users run it.

One `warden-daemon` per database node, all on one database; agents post alerts to every
daemon at once (with one token: the nodes share the token secret), and a stream bouncer
pulls from every daemon at once. The run, in order:

  0. who the clients are lives in the database (`api.server.identity_backend`): a bouncer
     and a machine registered through two different nodes work on every node, a token
     one node signed is good on all, and a bouncer added while the daemons run is
     accepted everywhere within 2 s;
  1. one daemon alone, then all of them: alerts/s and p99, with every client counted;
  2. a database node dies (`kill -9`; for PostgreSQL the primary, and its standby is
     promoted): the daemons carry on through the other hosts of their `db_host`;
     what the clients saw is counted (errors, seconds without an answer);
  3. a ban made on each surviving daemon reaches every surviving daemon's bouncer
     (measured, at most 2 s);
  4. Galera only: the dead node is started again, rejoins, and a ban made through the
     daemon that used it first reaches everyone;
  5. nothing acknowledged is lost or doubled: every alert answered 201 is enforced by
     every bouncer, and stored once (read in the database itself).

Usage: cluster.py --galera DIR | --postgresql DIR  BIN
  DIR  the cluster (Tests/support/galera.sh up DIR, or postgresql-pair.sh up DIR)
  BIN  the folder of warden, warden-daemon and the backends' lib*.so
Prints `ok - ` / `not ok - ` lines, `# figure:` lines, then `N passed, N failed`.
Nothing asserts a time except the 2 s the issue sets for a ban to reach every node.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEY = "cluster-bouncer-key-0123456789"
MACHINE, PASSWORD = "cluster-agent", "cluster-agent-password"

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {what}", flush=True)
    else:
        failed += 1
        print(f"not ok - {what}", flush=True)


def figure(text):
    print(f"# figure: {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_file(path):
    values = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                values[key] = value
    return values


class Cluster:
    """The database side: its hosts, how to kill one, how to read the stored bans."""

    def __init__(self, kind, folder):
        self.kind, self.folder = kind, folder
        env = env_file(os.path.join(folder, "env"))
        if kind == "galera":
            self.ports = env["GALERA_PORTS"].split(",")
            self.user, self.password = env["GALERA_USER"], env["GALERA_PASSWORD"]
            self.library = "libwarden-backend-mysql.so"
            self.script = os.path.join(ROOT, "Tests/support/galera.sh")
        else:
            self.ports = [env["POSTGRES_PRIMARY_PORT"], env["POSTGRES_STANDBY_PORT"]]
            self.user, self.password = env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]
            self.library = "libwarden-backend-postgresql.so"
            self.script = os.path.join(ROOT, "Tests/support/postgresql-pair.sh")
        self.database = f"w_cluster_{os.getpid()}"

    def backend_yaml(self, bin_dir, first):
        """Node `first`'s daemon: every host, its own first (Galera); the pair in order (PostgreSQL)."""
        order = self.ports[first:] + self.ports[:first] if self.kind == "galera" else self.ports
        return (f"name: {self.kind}\npath: {bin_dir}/{self.library}\nconfig:\n"
                f"  db_host: {','.join('127.0.0.1' for _ in order)}\n  db_port: \"{','.join(order)}\"\n"
                f"  db_username: {self.user}\n  db_password: {self.password}\n  db_name: {self.database}\n"
                + ("  sslmode: disable\n" if self.kind == "postgresql" else ""))

    def sql(self, port, query):
        if self.kind == "galera":
            command = ["mariadb", "--no-defaults", "-h127.0.0.1", f"-P{port}", f"-u{self.user}",
                       f"-p{self.password}", "-N", "-B", self.database, "-e", query]
            environment = None
        else:
            command = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-h", "127.0.0.1", "-p", port, "-U", self.user,
                       "-d", self.database, "-c", query]
            environment = dict(os.environ, PGPASSWORD=self.password)
        out = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:1])} on port {port}: {out.stderr.strip()}")
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def run(self, *arguments):
        subprocess.run(["bash", self.script, arguments[0], self.folder, *arguments[1:]], check=True,
                       stdout=subprocess.DEVNULL)


class Daemon:
    def __init__(self, index, folder, bin_dir, backend_yaml, identity_backend):
        self.index, self.folder, self.bin = index, folder, bin_dir
        self.port, self.metrics_port = free_port(), free_port()
        os.makedirs(os.path.join(folder, "backends"), exist_ok=True)
        with open(os.path.join(folder, "backends", "store.yaml"), "w") as f:
            f.write(backend_yaml)
        self.config = os.path.join(folder, "config.yaml")
        with open(self.config, "w") as f:
            f.write(f"plugin:\n  backend: ./backends\napi:\n  server:\n    listen_uri: 127.0.0.1:{self.port}\n"
                    f"    bouncers_file: ./bouncers\n    identity_backend: {identity_backend}\nprometheus:\n  listen_port: {self.metrics_port}\n")
        shutil.copy(os.path.join(ROOT, "config/profiles.yaml"), os.path.join(folder, "profiles.yaml"))
        self.process = None

    def warden(self, *arguments):
        return subprocess.run([os.path.join(self.bin, "warden"), "-c", self.config, *arguments], check=True,
                              capture_output=True, text=True, timeout=120).stdout

    def start(self):
        log = open(os.path.join(self.folder, "daemon.log"), "ab")
        self.process = subprocess.Popen([os.path.join(self.bin, "warden-daemon"), "-c", self.config],
                                        stdout=log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"daemon {self.index} did not start; see {self.folder}/daemon.log")

    def counted(self, event):
        """What its backend counted of `event` (warden_backend_events_total), from /metrics."""
        _, body = request(self.metrics_port, "GET", "/metrics")
        total = 0
        for line in body.decode().splitlines():
            if line.startswith("warden_backend_events_total{") and f'event="{event}"' in line:
                total += int(float(line.rsplit(" ", 1)[1]))
        return total

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def request(port, method, path, body=None, headers=None, timeout=60):
    """One request on its own connection, with a user agent as CrowdSec's clients send one."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"User-Agent": "crowdsec/v1.4.6-cluster-test", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def alert(ip, now):
    event = {"meta": [{"key": "source_ip", "value": ip}, {"key": "service", "value": "ssh"}], "timestamp": now}
    return json.dumps([{
        "capacity": 5, "decisions": None, "events": [event] * 6, "events_count": 6, "labels": None,
        "leakspeed": "10s", "message": f"Ip {ip} performed 'crowdsecurity/ssh-bf' (6 events over 1s) at {now}",
        "remediation": True, "scenario": "crowdsecurity/ssh-bf", "scenario_hash": "", "scenario_version": "0.1",
        "simulated": False, "source": {"ip": ip, "scope": "Ip", "value": ip}, "start_at": now, "stop_at": now}])


class Agents:
    """Threads posting one-alert batches, each for a new address, to their daemons; like
    CrowdSec's agent, a batch that is not answered 201 is sent again (to the same daemon)."""

    def __init__(self, token):
        self.token = token
        self.lock = threading.Lock()
        self.counter = 0
        self.acknowledged = {}  # ip -> daemon index
        self.answers = []  # (time, daemon, status, seconds)
        self.running = False
        self.targets = []
        self.threads = []

    def next_ip(self):
        with self.lock:
            self.counter += 1
            n = self.counter
        return f"10.{64 + n // 65536}.{n // 256 % 256}.{n % 256}"

    def post(self, daemon, ip):
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        started = time.monotonic()
        try:
            status, body = request(daemon.port, "POST", "/v1/alerts", alert(ip, now),
                                   {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        except OSError as error:
            status, body = 0, str(error).encode()
        elapsed = time.monotonic() - started
        with self.lock:
            self.answers.append((started, daemon.index, status, elapsed))
        return status, body

    def loop(self, daemons_of_thread):
        turn = 0
        while self.running:
            daemon = daemons_of_thread()[turn % len(daemons_of_thread())]
            turn += 1
            ip = self.next_ip()
            for _ in range(100):  # resent until answered 201, as the agent does
                status, body = self.post(daemon, ip)
                if status == 201:
                    with self.lock:
                        self.acknowledged[ip] = daemon.index
                    break
                if not self.running:
                    break
                time.sleep(0.2)

    def start(self, daemons, per_daemon=2):
        self.running = True
        self.targets = list(daemons)
        for i in range(per_daemon * len(daemons)):
            own = [daemons[i % len(daemons)]]
            thread = threading.Thread(target=self.loop, args=(lambda own=own: own,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(120)
        self.threads = []

    def figures(self, since, until, label):
        with self.lock:
            answers = [a for a in self.answers if since <= a[0] < until]
        accepted = sorted(a[3] for a in answers if a[2] == 201)
        errors = [a for a in answers if a[2] != 201]
        rate = len(accepted) / max(until - since, 0.001)
        p99 = accepted[int(len(accepted) * 0.99) - 1] * 1000 if accepted else 0
        figure(f"{label}: {rate:.0f} alerts/s accepted, p50 {accepted[len(accepted) // 2] * 1000 if accepted else 0:.0f} ms, "
               f"p99 {p99:.0f} ms, {len(errors)} answers other than 201")
        return rate, errors


class Bouncer:
    """A stream bouncer per daemon (startup pull, then deltas every 100 ms): when each
    address first reached it, and what it enforces now."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.enforced = {}
        self.first_seen = {}
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        startup = True
        while self.running:
            try:
                status, body = request(self.daemon.port, "GET", f"/v1/decisions/stream?startup={str(startup).lower()}",
                                       headers={"X-Api-Key": KEY}, timeout=10)
                if status == 200:
                    answer = json.loads(body)
                    now = time.monotonic()
                    with self.lock:
                        for d in answer.get("deleted") or []:
                            self.enforced.pop(d["value"], None)
                        for d in answer.get("new") or []:
                            self.enforced[d["value"]] = d
                            self.first_seen.setdefault(d["value"], now)
                    startup = False
            except (OSError, ValueError):
                pass
            time.sleep(0.1)

    def seen(self, value):
        with self.lock:
            return self.first_seen.get(value)

    def stop(self):
        self.running = False
        self.thread.join(15)


def reach_time(bouncers, value, made, limit=10.0):
    """Seconds until every bouncer enforced `value` (None for one that never did within `limit`)."""
    deadline = made + limit
    while time.monotonic() < deadline and any(b.seen(value) is None for b in bouncers):
        time.sleep(0.02)
    return [None if b.seen(value) is None else b.seen(value) - made for b in bouncers]


def ban_through(daemon, ip, token, agents):
    """A ban made on `daemon`: an alert posted there, resent until answered 201."""
    for _ in range(100):
        status, _ = agents.post(daemon, ip)
        if status == 201:
            return True
        time.sleep(0.2)
    return False


def conflicts_so_far(daemons):
    """The conflicts the backends logged ("... was undone N time(s) by the server ...")."""
    total = 0
    for daemon in daemons:
        with open(os.path.join(daemon.folder, "daemon.log"), errors="replace") as f:
            for line in f:
                if "conflict: " in line and " was undone " in line:
                    total += int(line.split(" was undone ", 1)[1].split(" ", 1)[0])
    return total


def outage(agents, since, until, daemons):
    """Per daemon: errors answered, and the longest time without a 201."""
    with agents.lock:
        answers = [a for a in agents.answers if since <= a[0] < until]
    report = []
    for daemon in daemons:
        mine = sorted(a for a in answers if a[1] == daemon.index)
        errors = sum(1 for a in mine if a[2] != 201)
        ok_ends = [since] + [a[0] + a[3] for a in mine if a[2] == 201] + [until]
        gap = max(b - a for a, b in zip(ok_ends, ok_ends[1:]))
        report.append((daemon.index, errors, gap))
    return report


def main():
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--galera")
    group.add_argument("--postgresql")
    parser.add_argument("bin")
    args = parser.parse_args()
    kind = "galera" if args.galera else "postgresql"
    cluster = Cluster(kind, args.galera or args.postgresql)
    work = tempfile.mkdtemp(prefix=f"warden-cluster-{kind}.")
    nodes = 3 if kind == "galera" else 2
    daemons = [Daemon(i, os.path.join(work, f"node{i + 1}"), args.bin, cluster.backend_yaml(args.bin, i), kind)
               for i in range(nodes)]
    bouncers = []
    agents = None
    try:
        # 0. One identity for every node, kept in the database: the bouncer registered
        # through node 1, the machine through the last node, no file copied.
        daemons[0].warden("bouncers", "add", "cluster", "-k", KEY)
        daemons[-1].warden("machines", "add", MACHINE, "-p", PASSWORD, "-f", os.path.join(work, "credentials.yaml"))
        listed = [sorted(line.split(",")[0] for line in d.warden("bouncers", "list", "-o", "raw").splitlines()[1:])
                  for d in daemons]
        check(all(names == ["cluster"] for names in listed), f"every node's CLI lists the bouncer ({listed})")
        for daemon in daemons:
            daemon.start()
        check(not any(os.path.exists(os.path.join(d.folder, name)) for d in daemons
                      for name in ("bouncers", "machines", "machines.jwt-secret")),
              "no node keeps bouncers, machines or a token secret in files")
        status, body = request(daemons[0].port, "POST", "/v1/watchers/login",
                               json.dumps({"machine_id": MACHINE, "password": PASSWORD, "scenarios": []}),
                               {"Content-Type": "application/json"})
        token = json.loads(body)["token"] if status == 200 else ""
        check(status == 200, f"the agent registered through node {nodes} logs in on node 1 ({status})")
        valid = [request(d.port, "GET", "/v1/alerts?limit=1", headers={"Authorization": f"Bearer {token}"})[0]
                 for d in daemons]
        check(all(s == 200 for s in valid), f"its token is valid on every node: they share the secret (answers {valid})")
        pulls = [request(d.port, "GET", "/v1/decisions/stream?startup=true", headers={"X-Api-Key": KEY})[0]
                 for d in daemons]
        check(all(s == 200 for s in pulls), f"the bouncer registered through node 1 pulls from every node ({pulls})")
        late_key = "cluster-late-bouncer-key-0123456789"
        made = time.monotonic()
        daemons[-1].warden("bouncers", "add", "late", "-k", late_key)
        waits = []
        for daemon in daemons:
            while request(daemon.port, "GET", "/v1/decisions?ip=192.0.2.1", headers={"X-Api-Key": late_key})[0] != 200:
                if time.monotonic() - made > 10:
                    break
                time.sleep(0.05)
            waits.append(round(time.monotonic() - made, 2))
        check(all(w <= 2.0 for w in waits),
              f"a bouncer added while the daemons run is accepted by every node within 2 s ({waits} s)")
        figure(f"a bouncer added through node {nodes} is accepted everywhere after {max(waits)} s")
        bouncers = [Bouncer(d) for d in daemons]
        agents = Agents(token)

        # 1. Throughput: node 1 alone, then every node at once.
        t0 = time.monotonic()
        agents.start(daemons[:1], per_daemon=2 * nodes)
        time.sleep(8)
        agents.stop()
        t1 = time.monotonic()
        one_rate, one_errors = agents.figures(t0, t1, "1 node, " + str(2 * nodes) + " agent connections")
        agents.start(daemons, per_daemon=2)
        time.sleep(8)
        t2 = time.monotonic()
        all_rate, all_errors = agents.figures(t1, t2, f"{nodes} nodes at once, 2 agent connections each")
        check(not one_errors and not all_errors,
              f"concurrent writers on every node: no alert refused ({len(one_errors) + len(all_errors)} errors)")
        figure(f"transactions undone by a conflict and run again so far: {conflicts_so_far(daemons)}")

        # 2. A database node dies under load.
        victim = 1 if kind == "galera" else 0  # node 2's mariadbd; the PostgreSQL primary
        killed_at = time.monotonic()
        cluster.run("kill", str(victim + 1))
        if kind == "postgresql":
            time.sleep(2)
            cluster.run("promote")
        time.sleep(12)
        t3 = time.monotonic()
        for index, errors, gap in outage(agents, killed_at, t3, daemons):
            figure(f"node {index + 1} during the failover: {errors} error answers, at most {gap:.1f} s without a 201")
        surviving_ports = [p for i, p in enumerate(cluster.ports) if i != victim]
        served = [d for d in daemons]
        after = agents.figures(t3 - 4, t3, "the last 4 s of the outage")[0]
        check(after > 0, f"every daemon is served again after the failover ({after:.0f} alerts/s)")

        # 3. A ban made on each daemon reaches every bouncer.
        for daemon in served:
            ip = f"203.0.113.{10 + daemon.index}"
            made = time.monotonic()
            stored = ban_through(daemon, ip, token, agents)
            times = reach_time(bouncers, ip, made)
            worst = max((t for t in times if t is not None), default=None)
            check(stored and all(t is not None and t <= 2.0 for t in times),
                  f"a ban made through node {daemon.index + 1} reaches every node's bouncer within 2 s "
                  f"(slowest {worst if worst is None else round(worst, 2)} s: {[None if t is None else round(t, 2) for t in times]})")

        # 4. Galera: the dead node comes back and catches up.
        if kind == "galera":
            cluster.run("start", str(victim + 1))
            size = subprocess.run(["bash", cluster.script, "size", cluster.folder, str(victim + 1)],
                                  capture_output=True, text=True).stdout.strip()
            check(size == "3", f"node {victim + 1} rejoins the cluster (size {size})")
            ip = "203.0.113.50"
            made = time.monotonic()
            stored = ban_through(daemons[2], ip, token, agents)
            times = reach_time(bouncers, ip, made)
            check(stored and all(t is not None and t <= 2.0 for t in times),
                  f"after the rejoin, a ban through node 3 reaches every bouncer within 2 s ({times})")
            rows = cluster.sql(cluster.ports[victim], f"SELECT COUNT(*) FROM bans WHERE target = '{ip}'")
            check(rows == [["1"]], f"the rejoined database node holds it too ({rows})")

        # 5. Nothing acknowledged lost or doubled.
        agents.stop()
        time.sleep(3)
        acknowledged = dict(agents.acknowledged)
        logged = conflicts_so_far(daemons)
        counted = sum(d.counted("conflict_retry") for d in daemons)
        figure(f"alerts acknowledged (201) in the whole run: {len(acknowledged)}; transactions undone by a conflict "
               f"and run again: {logged}")
        check(counted == logged, f"every conflict run again is logged and counted in warden_backend_events_total"
                                 f"{{event=\"conflict_retry\"}} ({logged} logged, {counted} counted)")
        for bouncer in bouncers:
            missing = [ip for ip in acknowledged if ip not in bouncer.enforced]
            check(not missing, f"node {bouncer.daemon.index + 1}'s bouncer enforces every acknowledged alert's decision "
                               f"({len(missing)} missing{': ' + ', '.join(missing[:5]) if missing else ''})")
        port = surviving_ports[0] if kind == "galera" else cluster.ports[1]
        doubled = cluster.sql(port, "SELECT target, COUNT(*) FROM bans WHERE target LIKE '10.%' "
                                    "GROUP BY target HAVING COUNT(*) > 1")
        stored = cluster.sql(port, "SELECT COUNT(DISTINCT target) FROM bans WHERE target LIKE '10.%'")
        check(not doubled, f"no alert stored twice ({len(doubled)} doubled{': ' + str(doubled[:5]) if doubled else ''})")
        figure(f"stored: {stored[0][0]} distinct attackers for {len(acknowledged)} acknowledged alerts "
               f"(more when an answer was lost after the commit; the agent then resends)")
        for daemon in daemons:
            alive = daemon.process.poll() is None
            check(alive, f"daemon {daemon.index + 1} still runs")
    finally:
        if agents:
            agents.stop()
        for bouncer in bouncers:
            bouncer.stop()
        for daemon in daemons:
            daemon.stop()
        if failed == 0:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"# logs kept in {work}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
