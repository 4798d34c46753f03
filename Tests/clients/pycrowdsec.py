#!/usr/bin/env python3
"""Real-client test: pycrowdsec (PyPI, 0.0.5) against the server described by
LAPI_URL/LAPI_KEY/BAN_ADD/BAN_DEL (see lib.sh).

- QueryClient (live mode, `GET /v1/decisions?ip=`): finds an exact address and an
  address inside a banned range, and gets nothing for an address outside.
- StreamClient (pull mode, interval 1 s): after each step (adds, deletes, an expiry)
  its cache converges to exactly the server's active set of ip/range decisions, read
  from `GET /v1/decisions` (every active decision, no stream side effects).

Prints one `ok - ...` / `not ok - ...` line per check; exits 1 if any check failed.
Runs itself again under the harness venv's Python (install.sh) if pycrowdsec is not
importable here.
"""
import argparse
import ipaddress
import logging
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# This file is named like the library: keep `import pycrowdsec` from finding it.
sys.path = [p for p in sys.path if os.path.realpath(p or ".") != os.path.realpath(HERE)]


def reexec_in_venv():
    """pycrowdsec lives in install.sh's venv; use its Python when this one lacks it."""
    venv = subprocess.run(
        ["bash", os.path.join(HERE, "install.sh"), "--print-venv"], capture_output=True, text=True, check=True
    ).stdout.strip()
    python = os.path.join(venv, "bin", "python")
    # A venv's python links to the system one: tell them apart by sys.prefix.
    if os.path.realpath(sys.prefix) == os.path.realpath(venv) or not os.path.exists(python):
        sys.exit(f"pycrowdsec.py: pycrowdsec is not importable: run Tests/clients/install.sh (venv {venv})")
    os.execv(python, [python] + sys.argv)


class ErrorCount(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, description, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok - {description}", flush=True)
        else:
            self.failed += 1
            print(f"not ok - {description}", flush=True)
            if detail:
                print(f"# {detail}", flush=True)

    def finish(self):
        print(f"# pycrowdsec.py: {self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 else 1


def poll(seconds, predicate):
    """True as soon as predicate() is, False after `seconds` (checked every 0.2 s)."""
    deadline = time.monotonic() + seconds
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def latest(seconds, fetch, accept):
    """What `fetch` returns once `accept` takes it, or its last answer after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        answer = fetch()
        if accept(answer) or time.monotonic() >= deadline:
            return answer
        time.sleep(0.2)


def network(value):
    """Ip and Range values in one comparable form (pycrowdsec reports `a.b.c.d/32`)."""
    return str(ipaddress.ip_network(value, strict=False))


class Server:
    """The server-neutral commands and the oracle for the active set."""

    def __init__(self, session, base):
        self.ban_add = shlex.split(os.environ["BAN_ADD"])
        self.ban_del = shlex.split(os.environ["BAN_DEL"])
        self.session = session
        self.base = base
        self.banned = []

    def add(self, target, duration):
        self.banned.append(target)
        return subprocess.run(self.ban_add + [target, duration]).returncode == 0

    def delete(self, target):
        return subprocess.run(self.ban_del + [target]).returncode == 0

    def active(self):
        """{network: type} of every active ip/range decision, as the server lists them."""
        response = self.session.get(f"{self.base}v1/decisions")
        response.raise_for_status()
        decisions = response.json() or []
        return {
            network(d["value"]): d["type"] for d in decisions if d["scope"].lower() in ("ip", "range")
        }

    def cleanup(self):
        for target in self.banned:
            subprocess.run(self.ban_del + [target], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Environment: LAPI_URL, LAPI_KEY, BAN_ADD, BAN_DEL (see Tests/clients/lib.sh).",
    ).parse_args()
    missing = [v for v in ("LAPI_URL", "LAPI_KEY", "BAN_ADD", "BAN_DEL") if not os.environ.get(v)]
    if missing:
        sys.exit(f"pycrowdsec.py: {', '.join(missing)} not set; source the server's env file "
                 "(reference-lapi.sh up DIR writes DIR/env) or export them")
    try:
        from pycrowdsec.client import QueryClient, StreamClient
    except ImportError:
        reexec_in_venv()

    # The stream thread only logs its failures (after startup): count them.
    errors = ErrorCount()
    logging.getLogger("pycrowdsec").addHandler(errors)
    key = os.environ["LAPI_KEY"]
    # pycrowdsec appends `v1/...` to the URL as given: it must end with "/".
    base = os.environ["LAPI_URL"].rstrip("/") + "/"
    report = Report()
    query = QueryClient(api_key=key, lapi_url=base)
    server = Server(query.session, base)
    try:
        run(report, server, query, StreamClient(api_key=key, lapi_url=base, interval=1))
        report.check("pycrowdsec logged no error", errors.messages == [], f"errors: {errors.messages}")
    except Exception as error:  # a client call that raises ends the test with one failed check
        report.check("the checks ran to the end", False, f"{type(error).__name__}: {error}")
    finally:
        server.cleanup()
    return report.finish()


def run(report, server, query, stream):
    def values(decisions):
        return sorted(network(d["value"]) for d in decisions or [])

    # Live mode.
    report.check("BAN_ADD 192.0.2.30 1h", server.add("192.0.2.30", "1h"))
    report.check("BAN_ADD 198.18.3.0/24 1h", server.add("198.18.3.0/24", "1h"))
    # A server may take a moment to see a ban made by another process: wait up to the
    # 2 s a Local API promises (the reference server stores it before answering).
    exact = latest(2.5, lambda: query.get_decisions_for("192.0.2.30"), lambda d: "192.0.2.30/32" in values(d))
    report.check("QueryClient finds the banned address", "192.0.2.30/32" in values(exact), f"got {exact}")
    inside = latest(2.5, lambda: query.get_decisions_for("198.18.3.77"), lambda d: bool(d))
    report.check("QueryClient finds an address inside the banned /24", values(inside) == ["198.18.3.0/24"],
                 f"got {inside}")
    report.check("the range decision has scope Range and type ban",
                 bool(inside) and inside[0]["scope"] == "Range" and inside[0]["type"] == "ban", f"got {inside}")
    report.check("QueryClient.get_action_for an address inside the /24 is ban",
                 query.get_action_for("198.18.3.1") == "ban")
    outside = query.get_decisions_for("198.18.4.1")
    report.check("QueryClient finds nothing outside the /24 (null or [])", not outside, f"got {outside}")

    # Stream mode: the two bans above arrive with the startup pull.
    stream.run()
    last = {}

    def converged(present=(), absent=()):
        mine = {network(v): t for v, t in stream.get_current_decisions().items()}
        active = server.active()
        last["stream"], last["server"] = mine, active
        return (mine == active and all(network(p) in mine for p in present)
                and not any(network(a) in mine for a in absent))

    def detail():
        return f"stream {sorted(last.get('stream', {}))} vs server {sorted(last.get('server', {}))}"

    report.check("StreamClient's startup pull equals the active set",
                 poll(10, lambda: converged(present=["192.0.2.30", "198.18.3.0/24"])), detail())
    report.check("BAN_ADD 2001:db8:b3::30 1h", server.add("2001:db8:b3::30", "1h"))
    report.check("BAN_ADD 192.0.2.31 1h", server.add("192.0.2.31", "1h"))
    report.check("after two adds StreamClient converges to the active set",
                 poll(10, lambda: converged(present=["2001:db8:b3::30", "192.0.2.31"])), detail())
    report.check("StreamClient.get_action_for an address inside the /24 is ban",
                 stream.get_action_for("198.18.3.200") == "ban")

    report.check("BAN_DEL 192.0.2.30", server.delete("192.0.2.30"))
    report.check("BAN_DEL 198.18.3.0/24", server.delete("198.18.3.0/24"))
    report.check("after two deletes StreamClient converges to the active set",
                 poll(10, lambda: converged(present=["192.0.2.31"], absent=["192.0.2.30", "198.18.3.0/24"])),
                 detail())
    report.check("StreamClient.get_action_for the deleted /24 is None", stream.get_action_for("198.18.3.200") is None)

    report.check("BAN_ADD 192.0.2.32 3s", server.add("192.0.2.32", "3s"))
    report.check("StreamClient gets the short ban",
                 poll(10, lambda: converged(present=["192.0.2.32"])), detail())
    report.check("after the short ban expires StreamClient converges to the active set",
                 poll(15, lambda: converged(present=["192.0.2.31"], absent=["192.0.2.32"])), detail())
    report.check("StreamClient's polling thread is still running", stream.is_running())


if __name__ == "__main__":
    sys.exit(main())
