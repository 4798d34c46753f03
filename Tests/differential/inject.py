#!/usr/bin/env python3
"""A fault-injecting proxy for checking the differential harness itself: it forwards
every request to a CrowdSec LAPI and alters the bouncer answers the way a known bug
did, so that `run.sh --oracle-vs-oracle --inject BUG` must fail (CrowdSec vs a CrowdSec
with that bug). Bugs:
  startup-deleted  GET /v1/decisions/stream?startup=true lists in `deleted` the ended
                   decisions of values that have a live one too (taken from the
                   upstream's dedup=false answer), beside the live one in `new`
  newest-only      GET /v1/decisions and the startup stream serve, per value, only the
                   newest decision (highest id): a shorter or weaker decision made after
                   a long ban hides it
  simulated        GET /v1/decisions and the stream serve simulated decisions too
Usage: inject.py PORT UPSTREAM-URL BUG
"""
import http.client
import http.server
import json
import sys
import urllib.parse

port, upstream, bug = int(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2]), sys.argv[3]
assert bug in ("startup-deleted", "newest-only", "simulated"), bug


def forward(method, path, body, headers):
    c = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
    try:
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, r.read(), r.getheader("Content-Type", "application/json")
    finally:
        c.close()


def newest(lst):
    best = {}
    for d in lst or []:
        if d["value"] not in best or d["id"] > best[d["value"]]["id"]:
            best[d["value"]] = d
    return list(best.values()) or None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16               # headers and body in one write (no Nagle/delayed-ACK stall)
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        path = self.path
        url = urllib.parse.urlsplit(path)
        q = urllib.parse.parse_qs(url.query)
        is_get = self.command == "GET" and url.path == "/v1/decisions"
        is_stream = self.command == "GET" and url.path == "/v1/decisions/stream"
        startup = is_stream and q.get("startup") == ["true"]
        if bug == "simulated" and (is_get or is_stream):
            path += ("&" if url.query else "?") + "simulated=true"
        st, raw, ctype = forward(self.command, path, body, headers)
        if st == 200 and bug == "startup-deleted" and startup:
            st2, raw2, _ = forward("GET", path + "&dedup=false", None, headers)
            js, js2 = json.loads(raw), json.loads(raw2)
            live = {d["value"] for d in js.get("new") or []}
            extra = [d for d in js2.get("deleted") or [] if d["value"] in live]
            js["deleted"] = (js.get("deleted") or []) + extra or None
            raw = json.dumps(js).encode()
        if st == 200 and bug == "newest-only" and (is_get or startup):
            js = json.loads(raw)
            if is_get:
                js = newest(js)
            else:
                js["new"] = newest(js.get("new"))
            raw = json.dumps(js).encode()
        self.send_response(st)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_DELETE = handle_one


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
