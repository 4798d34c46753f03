"""Schemathesis hooks for Tests/api/schemathesis.sh (loaded via SCHEMATHESIS_HOOKS).

`lapi_server_errors` replaces schemathesis' `not_a_server_error`: a 5xx passes only when
it is one of CrowdSec LAPI's own 500 answers (the list in openapi.yaml's info.description,
mirrored in LAPI_500 below) or a known Warden bug listed in known-bugs.txt (next to this
file) that has not been fixed yet.
"""
import os
import re

import schemathesis

# (method, path template, message regex): the 500s LAPI itself answers to what a client sent.
LAPI_500 = [
    ("GET|DELETE", "/v1/alerts",
     r"(invalid filter|unable to query|invalid ip address / range|unable to parse type)$"
     r"|^while parsing duration: "),
    ("DELETE", "/v1/decisions", r"(invalid filter|invalid ip address / range)$"),
    ("DELETE", "/v1/alerts/{alert_id}", r"^ent: alert not found$"),
    ("DELETE", "/v1/decisions/{decision_id}", r"^decision with id '-?[0-9]+' doesn't exist: unable to delete$"),
    ("POST", "/v1/watchers", r"^validation failure list:\n"),
    ("POST", "/v1/alerts", r"^validation failure list:\n|: unable to parse duration$"),
]


def _known_bugs():
    """known-bugs.txt: `METHOD PATH STATUS REGEX`, '#' comments; see the file."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known-bugs.txt")
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            method, route, status, regex = line.split(None, 3)
            entries.append((method, route, status, regex))
    return entries


KNOWN_BUGS = _known_bugs()
# What known-bugs.txt entries matched during the run, for the script's summary.
USED_BUGS_FILE = os.environ.get("WARDEN_KNOWN_BUGS_SEEN")


def _message(response):
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    return None


def _method_matches(pattern, method):
    return method in pattern.split("|")


@schemathesis.check
def lapi_server_errors(response, case):
    """No 5xx, except LAPI's own 500s (with their message) and listed known bugs."""
    status = response.status_code
    if status < 500:
        return None
    method = case.method.upper()
    route = case.path
    message = _message(response)
    if status == 500 and message is not None:
        for methods, path, regex in LAPI_500:
            if path == route and _method_matches(methods, method) and re.search(regex, message):
                return None
    for methods, path, code, regex in KNOWN_BUGS:
        if path == route and _method_matches(methods, method) and code == str(status) \
                and re.search(regex, message if message is not None else response.text):
            if USED_BUGS_FILE:
                with open(USED_BUGS_FILE, "a", encoding="utf-8") as out:
                    out.write(f"{methods} {path} {code} {regex}\n")
            return None
    raise AssertionError(
        f"{status} is not one of LAPI's own server errors for {method} {route}: {response.text[:500]!r}")


_auth_checked = set()


@schemathesis.check
def auth_enforced(response, case):
    """Once per operation that declares a security scheme: the same request without its
    credentials, then with wrong ones, must be refused as LAPI refuses it (403 with
    `access forbidden` for a bouncer key, 401 with `Www-Authenticate` for a machine token).
    Schemathesis' own `ignored_auth` takes only a 401 as a refusal, and LAPI's bouncer
    routes answer 403."""
    import requests

    security = case.operation.definition.raw.get("security")
    operation = (case.method.upper(), case.path)
    if not security or operation in _auth_checked:
        return None
    _auth_checked.add(operation)
    schemes = {name for requirement in security for name in requirement}
    expected = 403 if "bouncerKey" in schemes else 401
    for label, replacement in (("without credentials", {}),
                               ("with wrong credentials", {"X-Api-Key": "wrong-key",
                                                           "Authorization": "Bearer wrong.token.here"})):
        request = response.request.copy()
        for name in ("X-Api-Key", "Authorization"):
            request.headers.pop(name, None)
        request.headers.update(replacement)
        answer = requests.Session().send(request, timeout=10)
        if answer.status_code != expected:
            raise AssertionError(
                f"{case.method.upper()} {case.path} {label} answered {answer.status_code}, not {expected}: {answer.text[:300]!r}")
        if expected == 401 and answer.headers.get("Www-Authenticate") != "JWT realm=Crowdsec API local":
            raise AssertionError(f"{case.method.upper()} {case.path} {label}: 401 without LAPI's Www-Authenticate")
    return None
