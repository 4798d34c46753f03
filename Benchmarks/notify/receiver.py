#!/usr/bin/env python3
"""The webhook of the notification benchmark (Benchmarks/notify/notify.sh).

Listens on a free loopback port and answers every POST with 200 after --delay
seconds. Each body is what the `http` notification plugin sends with
`format: '{{.|toJson}}'`: one batch, a JSON array of alerts. The receiver counts
requests and the alerts inside them, and keeps the wall-clock times (epoch
seconds, the clock `$EPOCHREALTIME` reads) of the first and the last delivery.

    receiver.py --port-file FILE [--delay S]

FILE gets the port once the socket listens. `GET /stats` answers the counts as
one line: `requests R alerts A bad B bytes N first T last T` (bad: bodies that
are not a JSON array; bytes: of all bodies; first/last: 0 before any delivery).
A delivery's time is taken when its body has been read, before the delay: a slow
receiver stands for a slow plugin, and when an alert reached it is what the
benchmark measures.
"""
import argparse
import http.server
import json
import os
import threading
import time


class Counts:
    """What arrived, shared by the request threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.alerts = 0
        self.bad = 0
        self.bytes = 0
        self.first = 0.0
        self.last = 0.0

    def add(self, body):
        now = time.time()
        try:
            batch = json.loads(body)
            alerts = len(batch) if isinstance(batch, list) else None
        except ValueError:
            alerts = None
        with self.lock:
            self.requests += 1
            self.bytes += len(body)
            if alerts is None:
                self.bad += 1
            else:
                self.alerts += alerts
            if self.first == 0.0:
                self.first = now
            self.last = now

    def line(self):
        with self.lock:
            return "requests %d alerts %d bad %d bytes %d first %.6f last %.6f\n" % (
                self.requests, self.alerts, self.bad, self.bytes, self.first, self.last)


def handler(counts, delay):
    class Handler(http.server.BaseHTTPRequestHandler):
        # Keep-alive, as the plugin's Go client expects to reuse its connection.
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            counts.add(self.rfile.read(length))
            if delay > 0:
                time.sleep(delay)
            self.answer(b"")

        def do_GET(self):
            self.answer(counts.line().encode() if self.path == "/stats" else b"")

        def answer(self, body):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # one line per request would cost more than the counting

    return Handler


def main():
    parser = argparse.ArgumentParser(description="count the http plugin's batches")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(Counts(), args.delay))
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    # Renamed into place so a reader never sees half a number.
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
