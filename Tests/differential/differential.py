#!/usr/bin/env python3
"""Differential test of a Local API (the subject, normally `warden-daemon`) against
CrowdSec 1.4.6's LAPI (the oracle).

Many independent SEQUENCES of random operations (seeded) run in lockstep against one
pair of servers, each sequence on its own disjoint values. At every global STEP each
sequence does its next operation on both servers (oracle first, subject right after),
then every simulated bouncer pulls from both servers, and what the bouncers enforce is
compared: the subject's bouncers must enforce a SUPERSET of what the oracle's enforce
(a bouncer behind Warden blocks at least what it blocks behind CrowdSec). What the
subject enforces beyond the oracle is counted as a deviation (see DEVIATIONS.md),
except a simulated decision or something never decided, which fail.

Bouncers (one API key each, the same keys on both servers):
  traefik    stream; startup=true once, then deltas; applies `new` then `deleted`,
             keyed by value (a deleted entry removes the value), as the Traefik plugin
  firewall   stream; applies `deleted` then `new`, keyed by (value, type), as
             crowdsec-firewall-bouncer (ipset) does
  snapshot   startup=true at every step, from nothing (both ways of applying)
  fresh-K    stream bouncers started at random steps (startup=true, then deltas) on a
             key of a pool, living a few steps (both ways of applying)
  live       GET /v1/decisions?ip= for every address of interest (blocked with the
             decision types of a non-null answer)
Stream bouncers keep each entry for the duration the server gave (local TTL).

Timing: a (value, type) whose decisions (any of the value, or of a value covering the
address for live lookups) end within +-WINDOW s of the pulls counts as "either".

Usage: differential.py --servers servers.json [--seed N] [--sequences N] [--steps N]
       [--only I,J] [--restarts N] ...   (Tests/differential/run.sh writes servers.json)
The last line is `N passed, N failed`, N counting SEQUENCES (a sequence fails when any
of its comparisons fails; a failure of the harness or of a whole server counts as one
more failed).
"""
import argparse
import collections
import datetime
import http.client
import ipaddress
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse

WINDOW = 1.5
SHORT = ["2s", "3s", "4s", "5s", "6s"]
MEDIUM = ["20s", "1m"]
LONG = ["1h", "4h", "24h"]
OPS = ["add", "add_multi", "simulated", "agent", "del_value", "del_id", "readd", "flap", "wait"]
OP_WEIGHTS = [30, 12, 6, 4, 12, 8, 10, 4, 18]

GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


def go_duration(text):
    """Seconds of a Go duration string (3h59m59.2s, -141.4ms, 0s)."""
    text = text.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    if text == "0":
        return 0.0
    pos, total = 0, 0.0
    for m in GO_PART.finditer(text):
        if m.start() != pos:
            raise ValueError("bad duration %r" % text)
        total += float(m.group(1)) * GO_UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text) or pos == 0:
        raise ValueError("bad duration %r" % text)
    return sign * total


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------------------- servers

class Server:
    """One Local API: bouncer GETs with an API key, machine calls with a JWT."""

    def __init__(self, role, cfg):
        self.role = role
        self.name = cfg["name"]
        url = urllib.parse.urlsplit(cfg["url"])
        self.host, self.port = url.hostname, url.port
        creds = {}
        with open(cfg["credentials"]) as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    creds[k.strip()] = v.strip().strip('"').strip("'")
        self.machine_id, self.password = creds["login"], creds["password"]
        self.restart_argv = cfg["restart"]
        self.conn = None
        self.token = None
        self.requests = 0

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        h = {"User-Agent": "warden-differential/1.0"}
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        last = None
        for attempt in range(4):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=data, headers=h)
                resp = self.conn.getresponse()
                raw = resp.read()
                self.requests += 1
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, raw.decode("utf-8", "replace")
            except (http.client.HTTPException, OSError) as e:
                self.close()
                last = e
                time.sleep(0.2 * (attempt + 1))
        raise HarnessError("%s: %s %s failed: %s" % (self.name, method, path, last))

    def login(self):
        st, raw = self.request("POST", "/v1/watchers/login",
                               {"machine_id": self.machine_id, "password": self.password, "scenarios": []})
        if st != 200:
            raise HarnessError("%s: login answered %s %s" % (self.name, st, raw[:300]))
        self.token = json.loads(raw)["token"]

    def machine(self, method, path, body=None):
        if self.token is None:
            self.login()
        for attempt in range(2):
            st, raw = self.request(method, path, body, {"Authorization": "Bearer " + self.token})
            if st == 401 and attempt == 0:
                self.login()
                continue
            return st, raw

    def bouncer(self, key, path):
        return self.request("GET", path, None, {"X-Api-Key": key})

    def restart(self):
        self.close()
        self.token = None
        r = subprocess.run(self.restart_argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise HarnessError("%s: restart failed (%d): %s" % (self.name, r.returncode, r.stdout[-2000:]))


def parse_list(raw):
    try:
        v = json.loads(raw)
    except ValueError:
        return None
    return v


# ---------------------------------------------------------------------------- values

V4_BLOCKS = ["192.0.2.0", "198.51.100.0", "203.0.113.0"]
V4_24_BASE = int(ipaddress.ip_address("198.18.0.0"))      # 198.18.0.0/15 (RFC 2544), 512 /24s
V6_BASE = int(ipaddress.ip_address("2001:db8:d1f0::"))     # 2001:db8:d1f0::/48, its /64s


class Value:
    def __init__(self, value, scope):
        self.value, self.scope = value, scope
        self.net = ipaddress.ip_network(value) if scope == "Range" else ipaddress.ip_network(value + ("/32" if "." in value else "/128"))

    def covers(self, address):
        return ipaddress.ip_address(address) in self.net


def allocate(kind, n):
    """values (ip1, ip2, range) and the addresses of interest of slot n of a kind."""
    if kind == "v4":
        base = int(ipaddress.ip_address(V4_BLOCKS[n // 64])) + 4 * (n % 64)
        a = lambda off: str(ipaddress.IPv4Address(base + off))
        return [Value(a(1), "Ip"), Value(a(2), "Ip"), Value("%s/30" % a(0), "Range")], [a(1), a(2), a(3)]
    if kind == "v4-24":
        base = V4_24_BASE + 256 * n
        a = lambda off: str(ipaddress.IPv4Address(base + off))
        return [Value(a(7), "Ip"), Value(a(200), "Ip"), Value("%s/24" % a(0), "Range")], [a(7), a(200), a(100)]
    base = V6_BASE + (n << 64)
    a = lambda off: str(ipaddress.IPv6Address(base + off))
    return [Value(a(1), "Ip"), Value(a(2), "Ip"), Value("%s/64" % a(0), "Range")], [a(1), a(2), a(0xff)]


CAPACITY = {"v4": 192, "v4-24": 512, "v6": 65536}


# ---------------------------------------------------------------------------- model

class Decision:
    """What a sequence decided (the harness's own record, used to pick operations, to
    tell timing ties and to classify deviations; the oracle is CrowdSec, not this)."""

    def __init__(self, value, type_, duration, added_at, simulated, how):
        self.value, self.type, self.duration = value, type_, duration
        self.added_at = added_at
        self.expiry = added_at + go_duration(duration)
        self.simulated = simulated
        self.how = how
        self.removed_at = None
        self.removed_by = None

    def __repr__(self):
        return "%s %s %s%s" % (self.type, self.value, self.duration, " (simulated)" if self.simulated else "")


def iso_now():
    return datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def alert_body(decisions, scenario, source, scope, simulated=False):
    now = iso_now()
    return {"capacity": 0, "created_at": now,
            "decisions": [{"duration": d, "origin": "cscli", "scenario": scenario, "scope": scope,
                           "type": t, "value": source} for t, d in decisions],
            "events": [], "events_count": 1, "labels": None, "leakspeed": "0", "message": scenario,
            "scenario": scenario, "scenario_hash": "", "scenario_version": "", "simulated": simulated,
            "source": {"ip": source, "scope": scope, "value": source},
            "start_at": now, "stop_at": now}


def agent_alert_body(ip, scenario):
    """An alert as the crowdsec agent sends it: no decisions, remediation; the profile
    (ban 4h on both servers) decides."""
    now = iso_now()
    return {"capacity": 5, "decisions": None,
            "events": [{"meta": [{"key": "source_ip", "value": ip}, {"key": "service", "value": "ssh"}],
                        "timestamp": now}],
            "events_count": 1, "labels": None, "leakspeed": "10s", "message": scenario, "remediation": True,
            "scenario": scenario, "scenario_hash": "0" * 64, "scenario_version": "0.1", "simulated": False,
            "source": {"ip": ip, "scope": "Ip", "value": ip}, "start_at": now, "stop_at": now}


class Sequence:
    def __init__(self, idx, seed, kind, slot):
        self.idx = idx
        self.rng = random.Random("%s:seq:%d" % (seed, idx))
        self.kind, self.slot = kind, slot
        self.values, self.addresses = allocate(kind, slot)
        self.by_value = {v.value: v for v in self.values}
        self.decisions = []
        self.ops = []            # (step, t, text)
        self.last_deleted = None
        self.failures = []
        self.comparisons = 0
        # like cscli's "manual 'ban' from 'MACHINE'": the same for all of a sequence's
        # alerts, so that two adds in one second can send the very same body
        self.scenario = "manual from 'differential-s%d'" % idx
        self.t0 = None

    def log(self, step, text):
        self.ops.append((step, time.time(), text))

    # -- choosing (from the rng and the model only: reproducible whatever the timing)
    def pick_type(self):
        return "ban" if self.rng.random() < 0.7 else "captcha"

    def pick_duration(self):
        r = self.rng.random()
        return self.rng.choice(SHORT if r < 0.35 else MEDIUM if r < 0.6 else LONG)

    def choose(self, step):
        r = self.rng
        op = "add" if step == 0 else r.choices(OPS, OP_WEIGHTS)[0]
        if op == "readd" and self.last_deleted is None:
            op = "add"
        if op == "del_id":
            live = [d for d in self.decisions if not d.simulated and d.removed_at is None]
            if not live:
                op = "wait"
            else:
                return ("del_id", r.choice(live))
        if op == "add":
            v = r.choice(self.values)
            return ("add", v, [[(self.pick_type(), self.pick_duration())]])
        if op == "add_multi":
            v = r.choice(self.values)
            decs = [(self.pick_type(), self.pick_duration()) for _ in range(r.choice([2, 3]))]
            groups = [decs] if r.random() < 0.5 else [[d] for d in decs]
            return ("add", v, groups)
        if op == "readd":
            v = self.by_value[self.last_deleted]
            return ("add", v, [[("ban", self.pick_duration())]])
        if op == "simulated":
            v = r.choice(self.values)
            return ("simulated", v, [(self.pick_type(), self.pick_duration()) for _ in range(r.choice([1, 2]))])
        if op == "agent":
            return ("agent", r.choice([v for v in self.values if v.scope == "Ip"]))
        if op == "del_value":
            return ("del_value", r.choice(self.values))
        if op == "flap":
            return ("flap", r.choice(self.values), self.pick_type(), self.pick_duration())
        return ("wait",)

    # -- the model's view of what a CrowdSec delete removes
    def remove(self, pred, t, by):
        for d in self.decisions:
            if d.removed_at is None and pred(d):
                d.removed_at, d.removed_by = t, by


# ---------------------------------------------------------------------------- bouncers

class Bouncer:
    """A simulated stream bouncer: per server and per way of applying ('A' new then
    deleted, keyed by value; 'B' deleted then new, keyed by (value, type)), a map
    value -> {type: (local expiry, scenario)}."""

    def __init__(self, name, key, models, snapshot=False):
        self.name, self.key, self.models, self.snapshot = name, key, models, snapshot
        self.state = {}
        self.history = {}
        self.started = False
        self.pull_times = {}

    def reset(self, roles):
        self.state = {(r, m): {} for r in roles for m in self.models}
        self.history = {r: [] for r in roles}
        self.started = False

    def pull(self, server, step):
        startup = self.snapshot or not self.started
        t = time.time()
        st, raw = server.bouncer(self.key, "/v1/decisions/stream?startup=%s" % ("true" if startup else "false"))
        self.pull_times[server.role] = t
        self.history[server.role].append((step, t, startup, st, raw))
        if st != 200:
            raise HarnessError("%s: stream pull of %s answered %s %s" % (server.name, self.name, st, raw[:300]))
        body = json.loads(raw)
        new = body.get("new") or []
        deleted = body.get("deleted") or []
        for m in self.models:
            s = self.state[(server.role, m)]
            if self.snapshot:
                s.clear()
            if m == "A":
                for d in new:
                    s.setdefault(d["value"], {})[d["type"]] = (t + go_duration(d["duration"]), d.get("scenario", ""))
                for d in deleted:
                    s.pop(d["value"], None)
            else:
                for d in deleted:
                    s.get(d["value"], {}).pop(d["type"], None)
                for d in new:
                    s.setdefault(d["value"], {})[d["type"]] = (t + go_duration(d["duration"]), d.get("scenario", ""))

    def enforced(self, role, model, now):
        """{(value, type): scenario} of the entries whose local TTL has not run out."""
        return {(v, ty): scen for v, types in self.state[(role, model)].items()
                for ty, (exp, scen) in types.items() if exp > now}


# ---------------------------------------------------------------------------- the run

class Run:
    def __init__(self, args, cfg):
        self.args = args
        self.oracle = Server("oracle", cfg["oracle"])
        self.subject = Server("subject", cfg["subject"])
        self.servers = [self.oracle, self.subject]
        keys = cfg["keys"]
        if len(keys) < 6:
            raise HarnessError("servers.json needs at least 6 keys")
        self.live_key = keys[-1]
        self.main = [Bouncer("traefik", keys[0], ["A"]), Bouncer("firewall", keys[1], ["B"]),
                     Bouncer("snapshot", keys[2], ["A", "B"], snapshot=True)]
        for b in self.main:
            b.reset(["oracle", "subject"])
        self.pool = list(keys[3:-1])
        self.fresh = []          # [bouncer, retire_step]
        self.fresh_count = 0
        self.gen = random.Random("%s:global" % args.seed)
        self.seqs = []
        counters = collections.Counter()
        for i in range(args.sequences):
            r = random.Random("%s:values:%d" % (args.seed, i))
            kind = r.choices(["v4", "v6", "v4-24"], [5, 3, 2])[0]
            if counters[kind] >= CAPACITY[kind]:
                kind = "v6"
            self.seqs.append(Sequence(i, args.seed, kind, counters[kind]))
            counters[kind] += 1
        if args.only:
            wanted = {int(x) for x in args.only.split(",")}
            self.seqs = [s for s in self.seqs if s.idx in wanted]
        self.owner = {}
        for s in self.seqs:
            for v in s.values:
                self.owner[v.value] = s
        self.deviations = collections.Counter()
        self.deviation_examples = {}
        self.either = 0
        self.late = 0
        self.polled = set()
        self.alerts = 0
        self.global_failures = []
        self.comparisons = 0
        self.step_times = []

    # -- operations
    def post_group(self, seq, step, v, group, simulated):
        """One alert carrying `group`'s decisions on `v`, to every server, recorded in `seq`."""
        scen = self.scenario(seq) + (" simulated" if simulated else "")
        body = [alert_body(group, scen, v.value, v.scope, simulated=simulated)]
        t = time.time()
        answers = [srv.machine("POST", "/v1/alerts", body) for srv in self.servers]
        for ty, dur in group:
            seq.decisions.append(Decision(v.value, ty, dur, t, simulated, "simulated alert" if simulated else "alert"))
        label = "POST /v1/alerts" + (" SIMULATED" if simulated else "")
        seq.log(step, "%s [%s] -> %s" % (label, ", ".join("%s %s %s" % (ty, v.value, d) for ty, d in group),
                                         self.answers(answers)))
        self.check_statuses(seq, step, "POST /v1/alerts" + (" (simulated)" if simulated else ""), answers)

    def do_op(self, seq, step, op):
        kind = op[0]
        if kind == "wait":
            seq.log(step, "wait")
            return
        if kind == "add":
            _, v, groups = op
            for group in groups:
                self.post_group(seq, step, v, group, simulated=False)
            return
        if kind == "simulated":
            _, v, group = op
            self.post_group(seq, step, v, group, simulated=True)
            return
        if kind == "agent":
            _, v = op
            body = [agent_alert_body(v.value, "crowdsecurity/differential-s%d" % seq.idx)]
            t = time.time()
            answers = [srv.machine("POST", "/v1/alerts", body) for srv in self.servers]
            seq.decisions.append(Decision(v.value, "ban", "4h", t, False, "agent alert (profile)"))
            seq.log(step, "POST /v1/alerts agent alert on %s, no decisions (profile: ban 4h) -> %s" % (v.value, self.answers(answers)))
            self.check_statuses(seq, step, "POST /v1/alerts (agent)", answers)
            return
        if kind == "flap":
            # ban, delete, ban again at once: the same alert body twice (cscli decisions
            # add, delete, add within one second sends exactly that)
            _, v, ty, dur = op
            body = [alert_body([(ty, dur)], self.scenario(seq), v.value, v.scope)]
            again = [alert_body([(ty, dur)], self.scenario(seq), v.value, v.scope)] if self.args.distinct_alerts else body
            param = "ip" if v.scope == "Ip" else "range"
            path = "/v1/decisions?%s=%s" % (param, urllib.parse.quote(v.value, safe=""))
            texts = []
            for what, method, p2, b2 in (("add", "POST", "/v1/alerts", body), ("delete", "DELETE", path, None),
                                         ("add again", "POST", "/v1/alerts", again)):
                t = time.time()
                answers = [srv.machine(method, p2, b2) for srv in self.servers]
                if what == "delete":
                    self.model_delete(seq, v, t)
                else:
                    seq.decisions.append(Decision(v.value, ty, dur, t, False, "alert"))
                texts.append("%s %s -> %s" % (method, p2, self.answers(answers)))
                self.check_statuses(seq, step, "%s %s" % (method, p2), answers)
            seq.log(step, "flap [%s %s %s] same body twice: %s" % (ty, v.value, dur, "; ".join(texts)))
            return
        if kind == "del_value":
            _, v = op
            param = "ip" if v.scope == "Ip" else "range"
            path = "/v1/decisions?%s=%s" % (param, urllib.parse.quote(v.value, safe=""))
            t = time.time()
            answers = [srv.machine("DELETE", path) for srv in self.servers]
            self.model_delete(seq, v, t)
            seq.log(step, "DELETE %s -> %s" % (path, self.answers(answers)))
            self.check_statuses(seq, step, "DELETE " + path, answers)
            return
        if kind == "del_id":
            _, d = op
            v = seq.by_value[d.value]
            param = "ip" if v.scope == "Ip" else "range"
            path = "/v1/decisions?%s=%s" % (param, urllib.parse.quote(v.value, safe=""))
            found = []
            for srv in self.servers:
                st, raw = srv.bouncer(self.live_key, path)
                now = time.time()
                best = None
                lst = parse_list(raw) if st == 200 else None
                for c in lst or []:
                    if c.get("value") != d.value or c.get("type") != d.type:
                        continue
                    gap = abs(now + go_duration(c["duration"]) - d.expiry)
                    if gap <= 2.0 and (best is None or gap < best[0]):
                        best = (gap, c["id"])
                found.append(best[1] if best else None)
            results = []
            t = time.time()
            for srv, ident in zip(self.servers, found):
                if ident is None:
                    results.append("%s: not served, no delete" % srv.name)
                else:
                    st, raw = srv.machine("DELETE", "/v1/decisions/%s" % ident)
                    results.append("%s: DELETE /v1/decisions/%s -> %s %s" % (srv.name, ident, st, raw.strip()[:120]))
            if found[0] is not None:
                d.removed_at, d.removed_by = t, "DELETE by id"
            seq.log(step, "delete by id the decision [%r] (found via GET %s): %s" % (d, path, "; ".join(results)))
            return
        raise AssertionError(op)

    def scenario(self, seq):
        self.alerts += 1
        return seq.scenario + (" #%d" % self.alerts if self.args.distinct_alerts else "")

    def model_delete(self, seq, v, t):
        if v.scope == "Ip":
            # CrowdSec 1.4.6: an address also deletes the ranges that contain it
            seq.remove(lambda d: d.value == v.value or (seq.by_value[d.value].scope == "Range" and seq.by_value[d.value].covers(v.value)),
                       t, "DELETE ?ip=%s" % v.value)
        else:
            seq.remove(lambda d: d.value == v.value, t, "DELETE ?range=%s" % v.value)
        seq.last_deleted = v.value

    def answers(self, answers):
        return ", ".join("%s %s %s" % (srv.name, st, raw.strip()[:100]) for srv, (st, raw) in zip(self.servers, answers))

    def check_statuses(self, seq, step, what, answers):
        (so, ro), (ss, rs) = answers
        if (so // 100) != (ss // 100):
            self.fail(seq, step, "status", "%s: %s answered %s, %s answered %s (%s)" % (
                what, self.oracle.name, so, self.subject.name, ss, rs.strip()[:300]), {},
                "%s: status %dxx on %s, %dxx on %s" % (what.split("?")[0], so // 100, self.oracle.name, ss // 100, self.subject.name))

    # -- results
    def fail(self, seq, step, check, text, raw, kind=None):
        seq.failures.append((step, check, text, raw, kind or text))

    def deviation(self, seq, step, kind, text):
        self.deviations[kind] += 1
        self.deviation_examples.setdefault(kind, (seq.idx, step, text))

    def boundary(self, seq, values, lo, hi):
        """A non-simulated decision of these values ends within [lo - W, hi + W]."""
        for d in seq.decisions:
            if d.value in values and not d.simulated:
                # a delete happens before the pulls: only an expiry is a timing tie
                if (d.removed_at is None or d.removed_at > d.expiry) and lo - WINDOW <= d.expiry <= hi + WINDOW:
                    return True
        return False

    def in_force(self, seq, values, ty, now):
        """By the operations, a non-simulated decision of these values and type is in force
        (added, not expired, not removed as CrowdSec 1.4.6 removes on a delete)."""
        return any(d.value in values and d.type == ty and not d.simulated and d.removed_at is None
                   and d.expiry > now for d in seq.decisions)

    def classify(self, seq, values, ty, now):
        """Why the subject enforces (one of) values with type ty when the oracle's
        bouncer does not: (kind, is_failure)."""
        real = [d for d in seq.decisions if d.value in values and d.type == ty and not d.simulated]
        if any(d.removed_at is None and d.expiry > now for d in real):
            return "the oracle's bouncer dropped a decision still in force", False
        removed = [d for d in real if d.removed_at is not None and d.expiry > now]
        if removed:
            if all(d.removed_by.startswith("DELETE ?ip=") and seq.by_value[d.value].scope == "Range" for d in removed):
                return "a Range decision still enforced after DELETE ?ip= of an address inside it", False
            by = sorted({d.removed_by.split("=")[0] for d in removed})
            return "a decision still enforced after %s" % " / ".join(by), False
        if real:
            return "an expired decision still enforced", False
        return "enforced though never decided", True

    def missing(self, seq, step, check, values, ty, lo, hi, text, raw):
        """The oracle's bouncer enforces ty on values, the subject's does not."""
        if self.boundary(seq, values, lo, hi):
            self.either += 1
        elif not self.in_force(seq, values, ty, hi):
            # the oracle's bouncer keeps what is over (seen: CrowdSec's stream does not
            # report a deleted decision while a simulated one of the same value outlives it)
            self.deviation(seq, step, "%s keeps serving a decision that is over (%s)" % (
                self.oracle.name, "live lookup" if check == "live" else "stream bouncer"), text)
        else:
            self.fail(seq, step, check, text, raw,
                      "%s enforced behind %s, not behind %s" % (ty, self.oracle.name, self.subject.name))

    def compare_stream(self, step, b, now):
        t_lo = min(b.pull_times.values())
        for m in b.models:
            view = "%s/%s" % (b.name, m)
            per = collections.defaultdict(lambda: {"oracle": {}, "subject": {}})
            for r, srv in (("oracle", self.oracle), ("subject", self.subject)):
                for (v, ty), scen in b.enforced(r, m, now).items():
                    s = self.owner.get(v)
                    if s is None:
                        if not self.args.only:
                            self.global_failures.append("%s: %s's bouncer %s enforces %s %s, a value of no sequence" % (
                                view, srv.name, b.name, ty, v))
                        continue
                    per[s.idx][r][(v, ty)] = scen
                    if "simulated" in scen:
                        self.fail(s, step, view, "%s's %s bouncer enforces %s %s from a SIMULATED alert (%s)" % (
                            srv.name, view, ty, v, scen), {"stream": (b, {v})}, "%s: SIMULATED decision enforced" % srv.name)
            for s in self.seqs:
                s.comparisons += 1
                self.comparisons += 1
                if s.idx not in per:
                    continue
                o, w = per[s.idx]["oracle"], per[s.idx]["subject"]
                for v, ty in sorted(set(o) - set(w)):
                    self.missing(s, step, view, {v}, ty, t_lo, now,
                                 "%s %s is enforced by %s's %s bouncer, not by %s's" % (
                                     ty, v, self.oracle.name, view, self.subject.name), {"stream": (b, {v})})
                for v, ty in sorted(set(w) - set(o)):
                    if "simulated" in w[(v, ty)] or self.boundary(s, {v}, t_lo, now):
                        continue
                    kind, bad = self.classify(s, {v}, ty, now)
                    text = "%s %s enforced by %s's %s bouncer, not by %s's" % (ty, v, self.subject.name, view, self.oracle.name)
                    if bad:
                        self.fail(s, step, view, text + ": " + kind, {"stream": (b, {v})}, "%s: %s" % (self.subject.name, kind))
                    else:
                        self.deviation(s, step, "%s (stream bouncer)" % kind, text)

    def lookup(self, srv, address):
        st, raw = srv.bouncer(self.live_key, "/v1/decisions?ip=%s" % urllib.parse.quote(address, safe=""))
        lst = parse_list(raw) if st == 200 else None
        if st != 200 or (lst is not None and not isinstance(lst, list)):
            raise HarnessError("%s: GET /v1/decisions?ip=%s answered %s %s" % (srv.name, address, st, raw[:300]))
        lst = lst or []
        return (time.time(), raw, {d["type"] for d in lst if "simulated" not in d.get("scenario", "")},
                [d for d in lst if "simulated" in d.get("scenario", "")])

    def compare_live(self, step):
        """Every address of every sequence looked up on both servers; the addresses
        where the oracle serves a type the subject does not are looked up again once,
        WINDOW s later (all together), before they count (Warden serves its own changes
        at once; this only absorbs a lag)."""
        answers = {}
        pending = []
        for s in self.seqs:
            for a in s.addresses:
                covering = {v.value for v in s.values if v.covers(a)}
                ans = [self.lookup(srv, a) for srv in self.servers]
                answers[(s.idx, a)] = ans
                if (ans[0][2] - ans[1][2]) and (s.idx, a) not in self.polled and \
                        not self.boundary(s, covering, ans[0][0], ans[1][0]):
                    self.polled.add((s.idx, a))
                    pending.append((s.idx, a))
        if pending:
            time.sleep(WINDOW)
            for key in pending:
                ans = [self.lookup(srv, key[1]) for srv in self.servers]
                if not (ans[0][2] - ans[1][2]):
                    self.late += 1
                answers[key] = ans
        for s in self.seqs:
            for a in s.addresses:
                self.compare_address(step, s, a, answers[(s.idx, a)])

    def compare_address(self, step, s, a, answers):
        covering = {v.value for v in s.values if v.covers(a)}
        (to, ro, o, _), (tw, rw, w, _) = answers
        s.comparisons += 1
        self.comparisons += 1
        for srv, ans in zip(self.servers, answers):
            for d in ans[3]:
                self.fail(s, step, "live", "GET /v1/decisions?ip=%s: %s serves a decision of a SIMULATED alert: %s" % (
                    a, srv.name, json.dumps(d)), {"live": (a, ro, rw)}, "%s: SIMULATED decision enforced" % srv.name)
        for ty in sorted(o - w):
            self.missing(s, step, "live", covering, ty, to, tw,
                         "GET /v1/decisions?ip=%s: %s serves %s, %s does not" % (a, self.oracle.name, ty, self.subject.name),
                         {"live": (a, ro, rw)})
        now = time.time()
        for ty in sorted(w - o):
            if self.boundary(s, covering, to, tw):
                self.either += 1
                continue
            kind, bad = self.classify(s, covering, ty, now)
            text = "GET /v1/decisions?ip=%s: %s serves %s, %s does not" % (a, self.subject.name, ty, self.oracle.name)
            if bad:
                self.fail(s, step, "live", text + ": " + kind, {"live": (a, ro, rw)}, "%s: %s" % (self.subject.name, kind))
            else:
                self.deviation(s, step, "%s (live lookup)" % kind, text)

    def restart_both(self):
        errors = []

        def go(srv):
            try:
                srv.restart()
            except HarnessError as e:
                errors.append(str(e))
        threads = [threading.Thread(target=go, args=(srv,)) for srv in self.servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise HarnessError("; ".join(errors))

    def run(self):
        a = self.args
        restarts = set(self.gen.sample(range(2, a.steps), k=min(a.restarts, max(0, a.steps - 2)))) if a.steps > 2 else set()
        started = time.time()
        for step in range(a.steps):
            t_step = time.time()
            for s in self.seqs:
                if s.t0 is None:
                    s.t0 = t_step
                self.do_op(s, step, s.choose(step))
            t_ops = time.time()
            note = ""
            if step in restarts:
                t_r = time.time()
                self.restart_both()
                note = ", restarted both servers (%.1f s)" % (time.time() - t_r)
                for s in self.seqs:
                    s.log(step, "(both servers restarted)")
            time.sleep(a.settle)
            # fresh bouncers: retire, then maybe start one
            for f in list(self.fresh):
                if f[1] <= step:
                    self.fresh.remove(f)
                    self.pool.append(f[0].key)
            if self.pool and self.gen.random() < a.fresh_rate:
                key = self.pool.pop(self.gen.randrange(len(self.pool)))
                b = Bouncer("fresh-%d" % self.fresh_count, key, ["A", "B"])
                b.reset(["oracle", "subject"])
                self.fresh_count += 1
                self.fresh.append([b, step + self.gen.randint(1, 5)])
                note += ", %s starts" % b.name
            bouncers = self.main + [f[0] for f in self.fresh]
            for b in bouncers:
                for srv in self.servers:
                    b.pull(srv, step)
                b.started = True
            now = time.time()
            for b in bouncers:
                self.compare_stream(step, b, now)
            t_pulls = time.time()
            self.compare_live(step)
            t_end = time.time()
            failing = sum(1 for s in self.seqs if s.failures)
            print("# step %d: ops %.1f s, pulls %.1f s, lookups %.1f s%s; %d sequences failing so far" % (
                step, t_ops - t_step, t_pulls - t_ops, t_end - t_pulls, note, failing), flush=True)
            rest = a.step_seconds - (time.time() - t_step)
            if rest > 0:
                time.sleep(rest)
        self.elapsed = time.time() - started

    # -- report
    def repro(self, s):
        a = self.args
        print("FAIL sequence %d (seed %s; values %s; addresses %s)" % (
            s.idx, a.seed, ", ".join(v.value for v in s.values), ", ".join(s.addresses)))
        print("  rerun alone: Tests/differential/run.sh --seed %s --sequences %d --steps %d --only %d" % (
            a.seed, a.sequences, a.steps, s.idx))
        print("  operations:")
        for step, t, text in s.ops:
            print("    step %2d +%6.2fs  %s" % (step, t - s.t0, text))
        shown = set()
        for step, check, text, raw, _ in s.failures[: a.max_failures_shown]:
            print("  failure at step %d [%s]: %s" % (step, check, text))
            if "stream" in raw:
                b, values = raw["stream"]
                if (b.name, tuple(values)) in shown:
                    continue
                shown.add((b.name, tuple(values)))
                for role, srv in (("oracle", self.oracle), ("subject", self.subject)):
                    print("    %s, bouncer %s (key %s...), its pulls filtered to %s:" % (srv.name, b.name, b.key[:20], ", ".join(values)))
                    for pstep, t, startup, st, body in b.history[role]:
                        try:
                            js = json.loads(body)
                            keep = {k: [d for d in (js.get(k) or []) if d.get("value") in values] for k in ("new", "deleted")}
                            text2 = json.dumps(keep, separators=(",", ":"))
                        except ValueError:
                            text2 = body[:300]
                        print("      step %2d +%6.2fs startup=%s -> %s %s" % (pstep, t - s.t0, str(startup).lower(), st, text2))
            if "live" in raw:
                addr, ro, rw = raw["live"]
                print("    GET /v1/decisions?ip=%s\n      %s: %s\n      %s: %s" % (
                    addr, self.oracle.name, ro.strip()[:1500], self.subject.name, rw.strip()[:1500]))
        if len(s.failures) > a.max_failures_shown:
            print("  ... %d more failures in this sequence" % (len(s.failures) - a.max_failures_shown))

    def report(self):
        a = self.args
        failing = [s for s in self.seqs if s.failures]
        kinds = collections.Counter()
        for s in failing:
            for k in {"[%s] %s" % (re.sub(r"fresh-\d+", "fresh", f[1]), f[4]) for f in s.failures}:
                kinds[k] += 1
        if a.trace:
            for s in self.seqs:
                if not s.failures:
                    s.failures.append((0, "trace", "(trace only)", {"stream": (self.main[0], {v.value for v in s.values})}, None))
                    self.repro(s)
                    s.failures.pop()
        for s in failing[: a.max_repros]:
            self.repro(s)
        for s in failing[a.max_repros:]:
            step, check, text, _, _ = s.failures[0]
            print("FAIL sequence %d: first at step %d [%s] %s (%d failures)" % (s.idx, step, check, text, len(s.failures)))
        for g in self.global_failures:
            print("FAIL (global) %s" % g)
        print("# seed %s, %d sequences x %d steps, %d comparisons, %.0f s; subject %s vs oracle %s; %d requests to each" % (
            a.seed, len(self.seqs), a.steps, self.comparisons, self.elapsed, self.subject.name, self.oracle.name,
            self.oracle.requests))
        print("# timing ties counted as either: %d; lookups right only after a re-poll: %d" % (self.either, self.late))
        if kinds:
            print("# failure kinds (sequences):")
            for k, n in kinds.most_common():
                print("#   %4d  %s" % (n, k))
        if self.deviations:
            print("# deviations (%s enforces more than %s; not failures, see DEVIATIONS.md):" % (self.subject.name, self.oracle.name))
            for k, n in self.deviations.most_common():
                idx, step, text = self.deviation_examples[k]
                print("#   %5d  %s  (e.g. sequence %d step %d: %s)" % (n, k, idx, step, text))
        print("%d passed, %d failed" % (len(self.seqs) - len(failing), len(failing) + len(self.global_failures)))
        return 1 if failing or self.global_failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--servers", required=True, help="servers.json written by run.sh")
    p.add_argument("--seed", default="20261207", help="the seed (any string; default %(default)s)")
    p.add_argument("--sequences", type=int, default=300)
    p.add_argument("--steps", type=int, default=12)
    p.add_argument("--only", help="run only these sequences (comma list), same values and operations")
    p.add_argument("--restarts", type=int, default=1, help="how many steps restart both servers (default 1)")
    p.add_argument("--fresh-rate", type=float, default=0.6, help="chance per step that a fresh stream bouncer starts")
    p.add_argument("--settle", type=float, default=0.2, help="seconds between the operations and the pulls")
    p.add_argument("--step-seconds", type=float, default=1.0, help="minimum duration of a step")
    p.add_argument("--max-repros", type=int, default=8, help="failing sequences shown in full")
    p.add_argument("--max-failures-shown", type=int, default=4)
    p.add_argument("--distinct-alerts", action="store_true",
                   help="make every alert body distinct (its scenario numbered): no two identical alerts")
    p.add_argument("--trace", action="store_true",
                   help="print every sequence's operations and its values' traefik pulls, failing or not")
    args = p.parse_args()
    with open(args.servers) as f:
        cfg = json.load(f)
    print("# differential: seed %s, %d sequences, %d steps" % (args.seed, args.sequences, args.steps), flush=True)
    run = Run(args, cfg)
    try:
        run.run()
    except HarnessError as e:
        run.elapsed = 0
        print("not ok - harness: %s" % e)
        run.global_failures.append("harness: %s" % e)
    sys.exit(run.report())


if __name__ == "__main__":
    main()
