#!/usr/bin/env python3
"""Contract fuzzing of a localzoom binary with schemathesis.

Usage: harness.py BINARY [--seconds N] [--seed N] [--max-examples N]

Starts `BINARY serve --ephemeral --port 0 --rate-limits off`, creates real fixtures (a licensed user,
a scheduled meeting, a registrant, an assistant), finds which operations of the two vendored Zoom
specs the server routes, and runs schemathesis (examples, coverage and fuzzing phases; seeded and
derandomized) against them with two checks:

* not_a_server_error: no 5xx, ever;
* response_schema_conformance: every 2xx body validates against the spec's response schema.

Failures listed in allowlist.json (known ambiguities of the specs themselves) are ignored; every
other failure is printed with a curl reproduction and makes the run fail. The last line is
`contract: N passed, M failed`.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = REPO / "crates" / "localzoom-server" / "tests" / "fixtures"
SPECS = ["ZoomUserAPISpec.json", "ZoomMeetingsAPI.openapi.json"]
ALLOWLIST = HERE / "allowlist.json"

# The server's answer for a route it does not have (axum fallback).
ROUTING_404 = b'{"code":404,"message":"Not Found."}'
METHODS = ("get", "put", "post", "delete", "patch")
CHECKS = ("not_a_server_error", "response_schema_conformance")


def log(msg: str = "") -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------------


@dataclass
class Server:
    proc: subprocess.Popen
    origin: str
    account_id: str
    client_id: str
    client_secret: str
    owner_id: str | None
    stderr_path: Path


def start_server(binary: str, workdir: Path) -> Server:
    stderr_path = workdir / "server.stderr.log"
    proc = subprocess.Popen(
        [binary, "serve", "--ephemeral", "--port", "0", "--rate-limits", "off"],
        stdout=subprocess.PIPE,
        stderr=open(stderr_path, "wb"),
        stdin=subprocess.DEVNULL,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    banner: dict[str, str] = {}
    origin = None
    lines: list[str] = []
    deadline = time.monotonic() + 30

    # Read the banner on a thread so that a server that prints nothing cannot hang us.
    def reader() -> None:
        nonlocal origin
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            m = re.match(r"\s*([a-z ]+):\s+(.*)$", line.rstrip())
            if m:
                banner[m.group(1).strip()] = m.group(2).strip()
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                origin = m.group(1).rstrip("/")
                break
        # Keep draining stdout so the server never blocks on a full pipe.
        for _ in proc.stdout:
            pass

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    while origin is None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if origin is None:
        stop_server(proc)
        raise SystemExit(
            "contract: server did not print its banner\n" + "\n".join(lines) + "\n" + stderr_path.read_text()[-4000:]
        )
    owner_id = None
    m = re.search(r"\(([^)]+)\)\s*$", banner.get("owner", ""))
    if m:
        owner_id = m.group(1)
    try:
        return Server(
            proc=proc,
            origin=origin,
            account_id=banner["account id"],
            client_id=banner["client id"],
            client_secret=banner["client secret"],
            owner_id=owner_id,
            stderr_path=stderr_path,
        )
    except KeyError as exc:
        stop_server(proc)
        raise SystemExit(f"contract: banner lacks {exc}: {banner}") from None


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------------------------------
# Plain HTTP helpers (fixture set-up; these requests are not counted as test cases)
# --------------------------------------------------------------------------------------------------


def http(
    method: str, url: str, *, token: str | None = None, body: Any = None, basic: tuple[str, str] | None = None
) -> tuple[int, bytes]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Api:
    def __init__(self, server: Server) -> None:
        self.origin = server.origin
        self.base = server.origin + "/v2"
        status, raw = http(
            "POST",
            f"{server.origin}/oauth/token?grant_type=account_credentials&account_id={server.account_id}",
            basic=(server.client_id, server.client_secret),
        )
        if status != 200:
            raise SystemExit(f"contract: token request failed: {status} {raw[:500]!r}")
        self.token = json.loads(raw)["access_token"]
        self._n = 0
        self._lock = threading.Lock()

    def call(self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200, 201, 204)) -> Any:
        status, raw = http(method, self.base + path, token=self.token, body=body)
        if status not in expect:
            raise RuntimeError(f"fixture request {method} {path} -> {status} {raw[:500]!r}")
        return json.loads(raw) if raw else None

    def unique(self, prefix: str) -> str:
        with self._lock:
            self._n += 1
            return f"{prefix}{self._n}-{os.getpid()}@contract.example.com"

    # Licensed (type 2) users, because only Pro users can have assistants.
    def new_user(self, user_type: int = 2) -> dict:
        return self.call(
            "POST",
            "/users",
            {"action": "custCreate", "user_info": {"email": self.unique("u"), "type": user_type, "first_name": "A"}},
        )

    def new_meeting(self, user: str = "me") -> dict:
        return self.call(
            "POST",
            f"/users/{user}/meetings",
            {
                "topic": "t",
                "type": 2,
                "start_time": "2030-01-01T10:00:00Z",
                "duration": 30,
                "settings": {"approval_type": 0},
            },
        )

    def new_registrant(self, meeting_id: int | str) -> dict:
        return self.call(
            "POST", f"/meetings/{meeting_id}/registrants", {"email": self.unique("r"), "first_name": "R"}
        )

    def new_assistant_pair(self) -> tuple[dict, dict]:
        """A fresh licensed user (the scheduler) with a fresh assistant."""
        scheduler = self.new_user(2)
        assistant = self.new_user(2)
        self.call("POST", f"/users/{scheduler['id']}/assistants", {"assistants": [{"email": assistant["email"]}]})
        return scheduler, assistant


# --------------------------------------------------------------------------------------------------
# Which operations does the server route?
# --------------------------------------------------------------------------------------------------


def probe_operations(api: Api, spec: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Split the spec's operations into (routed, not routed).

    Each operation is sent once with its path parameters replaced by an id that exists nowhere
    (and an empty JSON object as body), so nothing is changed on the server. A route the server
    lacks answers 405 (other methods on the path exist) or exactly ROUTING_404. A static path (no
    parameters) answering any 404 is also unrouted: it was caught by a sibling's `{param}` route,
    e.g. GET /meetings/meeting_summaries answers "Meeting does not exist: meeting_summaries".
    """
    routed, unrouted = [], []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            url = api.base + re.sub(r"\{[^}]+\}", "zzcontractprobe0", path)
            status, raw = http(
                method.upper(), url, token=api.token, body={} if method in ("post", "put", "patch") else None
            )
            key = (method.upper(), path)
            if status == 405 or raw.strip() == ROUTING_404 or ("{" not in path and status == 404):
                unrouted.append(key)
            else:
                routed.append(key)
    return routed, unrouted


# --------------------------------------------------------------------------------------------------
# Fixtures and per-case substitution for destructive operations
# --------------------------------------------------------------------------------------------------


@dataclass
class Fixtures:
    owner_id: str
    users: list[str]  # every fixture user, owner first
    meetings: list[int]  # every fixture meeting, the main one first
    meeting_id: int  # the main meeting: scheduled, registration on, auto-approve
    registrant_id: str  # an approved registrant of the main meeting
    assistant_id: str  # a Pro user who is the owner's assistant
    recurring_id: int  # the weekly recurring meeting
    occurrences: list[str]  # its occurrence ids

    def values(self, name: str) -> list[Any]:
        return {
            "userId": self.users,
            "meetingId": self.meetings,
            "registrantId": [self.registrant_id],
            "assistantId": [self.assistant_id],
            "schedulerId": [self.owner_id],
        }.get(name, [])


def make_fixtures(api: Api, owner_id: str | None) -> Fixtures:
    """Resources in several states, so that handlers are reached along more than one path."""
    if owner_id is None:
        owner_id = api.call("GET", "/users/me")["id"]
    basic = api.new_user(1)
    pending = api.call(  # action `create`: the user has not confirmed yet (status pending)
        "POST", "/users", {"action": "create", "user_info": {"email": api.unique("p"), "type": 1}}
    )
    # The owner gets a Pro assistant: the owner's /assistants and the assistant's /schedulers lists
    # are then non-empty (richer bodies to validate).
    assistant = api.new_user(2)
    api.call("POST", f"/users/{owner_id}/assistants", {"assistants": [{"email": assistant["email"]}]}, expect=(201,))

    meeting = api.new_meeting("me")
    registrant = api.new_registrant(meeting["id"])
    recurring = api.call(  # weekly on Mondays and Wednesdays, registration with manual approval
        "POST",
        "/users/me/meetings",
        {
            "topic": "weekly",
            "type": 8,
            "start_time": "2030-01-01T10:00:00Z",
            "duration": 45,
            "timezone": "UTC",
            "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 4},
            "settings": {"approval_type": 1, "registration_type": 2},
        },
    )
    api.new_registrant(recurring["id"])  # pending approval
    floating = api.call("POST", f"/users/{basic['id']}/meetings", {"topic": "no fixed time", "type": 3})
    return Fixtures(
        owner_id=owner_id,
        users=[owner_id, basic["id"], assistant["id"], pending["id"]],
        meetings=[meeting["id"], recurring["id"], floating["id"]],
        meeting_id=meeting["id"],
        registrant_id=registrant.get("registrant_id") or registrant["id"],
        assistant_id=assistant["id"],
        recurring_id=recurring["id"],
        occurrences=[o["occurrence_id"] for o in recurring.get("occurrences", [])],
    )


# Operations that would delete or reshape a shared fixture get a resource of their own for every
# case (created in `before_call` just before the request is sent), so no case can break a later one:
#   - deleting the fixture meeting / registrant / assistant would turn every later case into a 404;
#   - PATCH /users/{userId} may downgrade the owner to Basic, after which assistants are refused;
#   - PATCH /meetings/{meetingId} may disable registration (approval_type 2) or change the meeting
#     type, and PATCH .../registrants/questions may add required questions: both would make the
#     registrant operations answer 4xx from then on;
#   - status/email/password changes would deactivate or re-address the user the other cases use.
# Each case still exercises the real handler on a real resource, so nothing is excluded.
FRESH_USER = "user"
FRESH_MEETING = "meeting"
FRESH_REGISTRANT = "registrant"
FRESH_SCHEDULER = "scheduler"  # userId := scheduler with one assistant; assistantId := that assistant
FRESH_ASSISTANT = "assistant"  # userId := assistant of a fresh scheduler; schedulerId := that scheduler
FRESH: dict[tuple[str, str], str] = {
    ("DELETE", "/users/{userId}"): FRESH_USER,
    ("PATCH", "/users/{userId}"): FRESH_USER,
    ("PUT", "/users/{userId}/status"): FRESH_USER,
    ("PUT", "/users/{userId}/email"): FRESH_USER,
    ("PUT", "/users/{userId}/password"): FRESH_USER,
    ("PATCH", "/users/{userId}/settings"): FRESH_USER,
    ("DELETE", "/users/{userId}/assistants"): FRESH_SCHEDULER,
    ("DELETE", "/users/{userId}/assistants/{assistantId}"): FRESH_SCHEDULER,
    ("DELETE", "/users/{userId}/schedulers"): FRESH_ASSISTANT,
    ("DELETE", "/users/{userId}/schedulers/{schedulerId}"): FRESH_ASSISTANT,
    ("DELETE", "/meetings/{meetingId}"): FRESH_MEETING,
    ("PATCH", "/meetings/{meetingId}"): FRESH_MEETING,
    ("PUT", "/meetings/{meetingId}/status"): FRESH_MEETING,
    ("PATCH", "/meetings/{meetingId}/registrants/questions"): FRESH_MEETING,
    ("PUT", "/meetings/{meetingId}/registrants/status"): FRESH_MEETING,
    ("DELETE", "/meetings/{meetingId}/registrants/{registrantId}"): FRESH_REGISTRANT,
}


def fresh_values(api: Api, fx: Fixtures, kind: str) -> dict[str, Any]:
    if kind == FRESH_USER:
        return {"userId": api.new_user(2)["id"]}
    if kind == FRESH_MEETING:
        meeting = api.new_meeting("me")
        api.new_registrant(meeting["id"])
        return {"meetingId": meeting["id"]}
    if kind == FRESH_REGISTRANT:
        return {"registrantId": api.new_registrant(fx.meeting_id)["registrant_id"]}
    if kind == FRESH_SCHEDULER:
        scheduler, assistant = api.new_assistant_pair()
        return {"userId": scheduler["id"], "assistantId": assistant["id"]}
    if kind == FRESH_ASSISTANT:
        scheduler, assistant = api.new_assistant_pair()
        return {"userId": assistant["id"], "schedulerId": scheduler["id"]}
    raise AssertionError(kind)


# A successful write is followed by a read of what it wrote, validated like any other case:
# schemathesis alone never reads back a resource it changed (and the fresh resources above are
# never read by the generated cases), so a write that stores something the read then serves in
# a shape the spec rejects would go unnoticed. Maps the write to (GET path, path parameters).
def _same(*names: str):
    return lambda case, body: {n: case.path_parameters[n] for n in names}


READ_BACK: dict[tuple[str, str], tuple[str, Any]] = {
    ("POST", "/users"): ("/users/{userId}", lambda case, body: {"userId": body["id"]}),
    ("PATCH", "/users/{userId}"): ("/users/{userId}", _same("userId")),
    ("PUT", "/users/{userId}/status"): ("/users/{userId}", _same("userId")),
    ("PUT", "/users/{userId}/email"): ("/users/{userId}", _same("userId")),
    ("PUT", "/users/{userId}/password"): ("/users/{userId}", _same("userId")),
    ("PATCH", "/users/{userId}/settings"): ("/users/{userId}/settings", _same("userId")),
    ("PUT", "/users/{userId}/presence_status"): ("/users/{userId}/presence_status", _same("userId")),
    ("POST", "/users/{userId}/assistants"): ("/users/{userId}/assistants", _same("userId")),
    ("POST", "/users/{userId}/meetings"): ("/meetings/{meetingId}", lambda case, body: {"meetingId": body["id"]}),
    ("PATCH", "/meetings/{meetingId}"): ("/meetings/{meetingId}", _same("meetingId")),
    ("PUT", "/meetings/{meetingId}/status"): ("/meetings/{meetingId}", _same("meetingId")),
    ("PATCH", "/meetings/{meetingId}/registrants/questions"): (
        "/meetings/{meetingId}/registrants/questions",
        _same("meetingId"),
    ),
    ("POST", "/meetings/{meetingId}/registrants"): (
        "/meetings/{meetingId}/registrants/{registrantId}",
        lambda case, body: {"meetingId": case.path_parameters["meetingId"], "registrantId": body["registrant_id"]},
    ),
    ("POST", "/meetings/{meetingId}/batch_registrants"): ("/meetings/{meetingId}/registrants", _same("meetingId")),
    ("PUT", "/meetings/{meetingId}/registrants/status"): ("/meetings/{meetingId}/registrants", _same("meetingId")),
}


# --------------------------------------------------------------------------------------------------
# Allow-list
# --------------------------------------------------------------------------------------------------


@dataclass
class AllowEntry:
    """One known ambiguity of a spec. Every field given must match; the narrower the better."""

    operation: str  # "GET /users/{userId}/settings", as in the spec
    check: str  # only response_schema_conformance: a 5xx is never a spec problem
    reason: str
    status: int | None = None  # response status code
    failure: str | None = None  # schemathesis failure class, e.g. JsonSchemaError, MissingContentType
    instance_path: str | None = None  # JSON pointer into the body ("" = root, "/registrants/*/email")
    schema_keyword: str | None = None  # last segment of the failing schema path: "format", "oneOf", ...
    message_contains: str | list[str] | None = None  # substring(s) of the validator's message (any of)
    used: int = 0

    def matches(self, operation: str, check: str, failure: Any, status: int) -> bool:
        if self.operation != operation or self.check != check:
            return False
        if self.status is not None and self.status != status:
            return False
        if self.failure is not None and self.failure != type(failure).__name__:
            return False
        if self.schema_keyword is not None and self.schema_keyword != schema_keyword(failure):
            return False
        if self.message_contains is not None:
            wanted = [self.message_contains] if isinstance(self.message_contains, str) else self.message_contains
            if not any(part in raw_message(failure) for part in wanted):
                return False
        if self.instance_path is not None:
            pointer = instance_pointer(failure)
            if pointer is None:
                return False
            pattern = "/".join("[^/]+" if seg == "*" else re.escape(seg) for seg in self.instance_path.split("/"))
            if not re.fullmatch(pattern, pointer):
                return False
        return True


def load_allowlist() -> list[AllowEntry]:
    if not ALLOWLIST.exists():
        return []
    data = json.loads(ALLOWLIST.read_text())
    entries = []
    for raw in data.get("entries", []):
        if raw.get("check") not in CHECKS:
            raise SystemExit(f"contract: allowlist entry with unknown check: {raw}")
        if raw.get("check") == "not_a_server_error":
            raise SystemExit(f"contract: a 5xx is always a server bug and cannot be allow-listed: {raw}")
        if not raw.get("reason"):
            raise SystemExit(f"contract: allowlist entry without a reason: {raw}")
        known = {"operation", "check", "reason", "status", "failure", "instance_path", "schema_keyword", "message_contains"}
        if set(raw) - known:
            raise SystemExit(f"contract: allowlist entry with unknown keys {sorted(set(raw) - known)}: {raw}")
        entries.append(AllowEntry(**raw))
    return entries


# --------------------------------------------------------------------------------------------------
# Run bookkeeping (filled by the schemathesis hooks)
# --------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    operation: str
    check: str
    title: str
    detail: str
    status: int
    body: str
    curl: str
    count: int = 1


@dataclass
class Stats:
    cases: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    server_errors: int = 0
    routing_404: int = 0
    not_404: dict[str, int] = field(default_factory=dict)  # per operation
    ok_2xx: dict[str, int] = field(default_factory=dict)  # per operation
    per_operation: dict[str, int] = field(default_factory=dict)
    failing_cases: set[str] = field(default_factory=set)
    findings: dict[tuple, Finding] = field(default_factory=dict)
    allowed: dict[str, int] = field(default_factory=dict)  # reason -> count
    non2xx_schema: dict[tuple, Finding] = field(default_factory=dict)
    fixture_errors: list[str] = field(default_factory=list)


def failure_check(failure: Any) -> str:
    """The enabled check that reports this kind of failure."""
    checks = getattr(failure, "checks", ())
    for name in CHECKS:
        if name in checks:
            return name
    return checks[0] if checks else type(failure).__name__


def raw_message(failure: Any) -> str:
    return str(getattr(failure, "_raw_message", None) or getattr(failure, "message", "") or "")


def schema_keyword(failure: Any) -> str | None:
    path = getattr(failure, "schema_path", None)
    if not path:
        return None
    last = [seg for seg in path if not isinstance(seg, int)]
    return str(last[-1]) if last else None


def instance_pointer(failure: Any) -> str | None:
    path = getattr(failure, "instance_path", None)
    if path is None:
        return None
    return "/" + "/".join(str(seg) for seg in path) if path else ""


def install_hooks(api: Api, fx: Fixtures, stats: Stats, allowlist: list[AllowEntry], origin: str) -> None:
    import schemathesis

    counters: dict[str, int] = {}
    # Set while a read-back runs: its request is not redirected and names the write behind it.
    reading = threading.local()
    # CONTRACT_DUMP=FILE writes every request/response as JSON lines, for triage.
    dump = open(os.environ["CONTRACT_DUMP"], "w") if os.environ.get("CONTRACT_DUMP") else None

    def label(case: Any) -> str:
        return f"{case.method.upper()} {case.operation.path}"

    @schemathesis.hook
    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        if getattr(reading, "trigger", None) is not None:
            return
        params = case.path_parameters or {}
        op = label(case)
        n = counters[op] = counters.get(op, 0) + 1

        def is_fixture(name: str) -> bool:
            return name in params and str(params[name]) in {str(v) for v in fx.values(name)}

        # The config pins every path parameter to the main fixture (so all phases, coverage
        # included, reach the handlers). Spread the cases over all fixtures of that kind, and send
        # every ODD_ID_EVERY-th case to an id that does not exist or is malformed. The rotation
        # follows the (deterministic) case order, so runs stay repeatable.
        for name in PATH_PARAMETERS:
            if name in params and str(params[name]) == str(fx.values(name)[0]):
                if n % ODD_ID_EVERY == 0:
                    params[name] = ODD_IDS[(n // ODD_ID_EVERY) % len(ODD_IDS)]
                else:
                    values = fx.values(name)
                    params[name] = values[n % len(values)]
        # The fixture registrant only exists within the main meeting.
        if is_fixture("registrantId") and is_fixture("meetingId"):
            params["meetingId"] = fx.meeting_id
        # A generated occurrence id never exists, so every such case stops at "Invalid parameter:
        # occurrence_id": keep it in one case of three, use a real occurrence (recurring fixture)
        # or drop it in the others.
        query = case.query if isinstance(case.query, dict) else None
        if query and n % 3:
            for key in ("occurrence_id", "occurrence_ids"):
                if key in query:
                    if str(params.get("meetingId")) == str(fx.recurring_id) and fx.occurrences:
                        query[key] = fx.occurrences[n % len(fx.occurrences)]
                    else:
                        del query[key]
        kind = FRESH.get((case.method.upper(), case.operation.path))
        if kind is None:
            return

        # Only cases that target a shared fixture are redirected; fuzzed ids stay as generated.
        if not any(is_fixture(name) for name in params):
            return
        try:
            values = fresh_values(api, fx, kind)
        except Exception as exc:  # a broken fixture endpoint is itself worth reporting
            stats.fixture_errors.append(f"{label(case)}: {exc}")
            return
        for name, value in values.items():
            if is_fixture(name):
                params[name] = value

    @schemathesis.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        op = label(case)
        stats.cases += 1
        stats.per_operation[op] = stats.per_operation.get(op, 0) + 1
        stats.by_status[response.status_code] = stats.by_status.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            stats.server_errors += 1
        if response.status_code == 404 and response.content.strip() == ROUTING_404:
            stats.routing_404 += 1
        if response.status_code != 404:
            stats.not_404[op] = stats.not_404.get(op, 0) + 1
        if 200 <= response.status_code < 300:
            stats.ok_2xx[op] = stats.ok_2xx.get(op, 0) + 1
        if 200 <= response.status_code < 300 and getattr(reading, "trigger", None) is None:
            read_back(case, response)
        if dump is not None:
            meta = case.meta
            dump.write(
                json.dumps(
                    {
                        "op": op,
                        "phase": str(meta.phase.name.value) if meta else None,
                        "mode": str(meta.generation.mode.value) if meta else None,
                        "url": response.request.url,
                        "request": (response.request.body or b"")[:4000].decode("utf-8", "replace")
                        if isinstance(response.request.body, bytes)
                        else str(response.request.body or "")[:4000],
                        "status": response.status_code,
                        "response": response.content[:4000].decode("utf-8", "replace"),
                    }
                )
                + "\n"
            )

    def read_back(case: Any, response: Any) -> None:
        entry = READ_BACK.get((case.method.upper(), case.operation.path))
        if entry is None:
            return
        from schemathesis.checks import not_a_server_error
        from schemathesis.specs.openapi.checks import response_schema_conformance

        path, params_of = entry
        try:
            body = response.json() if response.content else {}
            params = params_of(case, body)
            operation = case.operation.schema[path]["GET"]
        except Exception:  # nothing to read back (unexpected body): the write's own checks report it
            return
        reading.trigger = curl_of(case, response, api.token)
        try:
            check_case = operation.Case(path_parameters={k: str(v) for k, v in params.items()})
            answer = check_case.call(headers={"Authorization": f"Bearer {api.token}"})
            check_case.validate_response(
                answer,
                checks=[not_a_server_error, response_schema_conformance],
                headers={"Authorization": f"Bearer {api.token}"},
            )
        except AssertionError:
            pass  # recorded by filter_failure
        except Exception as exc:
            stats.fixture_errors.append(f"read-back {path} after {label(case)}: {exc!r}")
        finally:
            reading.trigger = None

    @schemathesis.hook
    def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
        op = label(case)
        check = failure_check(failure)
        pointer = instance_pointer(failure)
        keyword = schema_keyword(failure)
        # The contract is "every 2xx body conforms"; an error body that the spec's generic error
        # schema rejects is reported separately and does not fail the run.
        is_2xx = 200 <= response.status_code < 300
        if check == "response_schema_conformance":
            for entry in allowlist:
                if entry.matches(op, check, failure, response.status_code):
                    entry.used += 1
                    stats.allowed[entry.reason] = stats.allowed.get(entry.reason, 0) + 1
                    return False
        finding = make_finding(op, check, failure, case, response, api.token, origin)
        trigger = getattr(reading, "trigger", None)
        if trigger:
            finding.curl = f"{trigger}\n    # then (read-back):\n    {finding.curl}"
        # One finding per operation, check, failure kind, body location (array indices folded) and
        # schema keyword; for 5xx also per status code.
        key = (
            op,
            check,
            type(failure).__name__,
            re.sub(r"/\d+(?=/|$)", "/*", pointer) if pointer else pointer,
            keyword,
            response.status_code if check == "not_a_server_error" else None,
        )
        bucket = stats.findings if (is_2xx or check != "response_schema_conformance") else stats.non2xx_schema
        if check == "response_schema_conformance" and not is_2xx:
            existing = bucket.get(key)
            if existing is None:
                bucket[key] = finding
            else:
                existing.count += 1
            return False
        stats.failing_cases.add(case.id)
        existing = bucket.get(key)
        if existing is None or len(finding.curl) < len(existing.curl):
            if existing is not None:
                finding.count = existing.count + 1
            bucket[key] = finding
        else:
            existing.count += 1
        return True


def curl_of(case: Any, response: Any, token: str) -> str:
    try:
        curl = case.as_curl_command(headers=dict(response.request.headers), verify=response.verify)
    except Exception as exc:  # pragma: no cover - curl rendering is best effort
        curl = f"(no curl: {exc})"
    curl = curl.replace(token, "$TOKEN")
    # Drop schemathesis' own bookkeeping headers, they are noise in a reproduction.
    return re.sub(
        r" -H '(X-Schemathesis-[^']*|User-Agent: [^']*|Accept-Encoding: [^']*|Accept: \*/\*|Connection: [^']*)'",
        "",
        curl,
    )


def make_finding(op: str, check: str, failure: Any, case: Any, response: Any, token: str, origin: str) -> Finding:
    curl = curl_of(case, response, token)
    detail = raw_message(failure)
    if len(detail) > 600:  # the validator repeats the whole instance; keep its head and the verdict
        detail = detail[:200] + " ... " + detail[-300:]
    pointer = instance_pointer(failure)
    if pointer is not None:
        schema_path = "/".join(str(seg) for seg in getattr(failure, "schema_path", []) or [])
        detail = f"{type(failure).__name__} at body{pointer or '/'} (schema {schema_path}): {detail}"
    else:
        detail = f"{type(failure).__name__}: {detail}"
    body = response.content.decode("utf-8", "replace")
    return Finding(
        operation=op,
        check=check,
        title=failure.title,
        detail=detail.strip(),
        status=response.status_code,
        body=body,
        curl=curl,
    )


# --------------------------------------------------------------------------------------------------
# Schemathesis run
# --------------------------------------------------------------------------------------------------


PATH_PARAMETERS = ("userId", "meetingId", "registrantId", "assistantId", "schedulerId")
# Ids sent instead of a fixture in every ODD_ID_EVERY-th case: unknown, out of range, or malformed.
ODD_ID_EVERY = 10
ODD_IDS = (
    "0",
    "-1",
    "99999999999999999999",
    "9223372036854775808",
    "zzUnknownId0000000000",
    "a%20b",
    "%C3%A9%E2%82%AC",
    "me",
    "x" * 300,
    "1.5",
)


def build_config(base_url: str, token: str, fx: Fixtures, seed: int, max_examples: int) -> Any:
    import schemathesis

    return schemathesis.Config.from_dict(
        {
            "seed": seed,
            "base-url": base_url,
            # The specs declare an `Authorization` apiKey; the real bearer token goes on every request.
            "headers": {"Authorization": f"Bearer {token}"},
            # Hypothesis health checks judge the generator (e.g. too many examples filtered out of
            # a big request schema), not the server: they must not fail the contract run.
            "suppress-health-check": ["all"],
            "workers": 1,
            "request-timeout": 10,
            # Keep going after a failure: every distinct failure of an operation is wanted, not the first.
            "continue-on-failure": True,
            "cache": {"enabled": False},
            "output": {"sanitization": {"enabled": False}, "truncation": {"enabled": False}},
            "warnings": False,
            "generation": {
                "mode": os.environ.get("CONTRACT_MODE", "all"),  # positive / negative / all
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
                "with-security-parameters": False,
            },
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                # No links between operations in these specs; fixtures are supplied instead.
                "stateful": {"enabled": False},
            },
            # Real ids for the path parameters (spread over all fixtures by `before_call`).
            "parameters": {f"path.{name}": fx.values(name)[0] for name in PATH_PARAMETERS},
        }
    )


def run_spec(
    spec_path: Path,
    routed: set[tuple[str, str]],
    config: Any,
    deadline: float,
) -> dict[str, Any]:
    import schemathesis
    from schemathesis.engine import events, from_schema

    schema = schemathesis.openapi.from_path(spec_path, config=config)
    schema = schema.include(lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in routed)
    stream = from_schema(schema).execute()
    # Hard stop at the deadline: the engine then finishes the current case and reports.
    timer = threading.Timer(max(1.0, deadline - time.monotonic()), stream.stop)
    timer.daemon = True
    timer.start()
    result: dict[str, Any] = {"errors": [], "scenarios": 0, "stopped": False, "operations": set()}
    try:
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                result["scenarios"] += 1
                result["operations"].add(event.recorder.label)
            elif isinstance(event, events.NonFatalError):
                result["errors"].append(f"{event.label}: {event.info.title}: {event.info.message}")
            elif isinstance(event, events.FatalError):
                result["errors"].append(f"fatal: {event.exception!r}")
            elif isinstance(event, events.EngineFinished):
                result["stopped"] = event.stop_reason.value
    finally:
        timer.cancel()
    return result


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("CONTRACT_SECONDS", "240")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CONTRACT_SEED", "20260101")))
    parser.add_argument(
        "--max-examples",
        type=int,
        default=int(os.environ["CONTRACT_MAX_EXAMPLES"]) if os.environ.get("CONTRACT_MAX_EXAMPLES") else None,
        help="fuzzing examples per operation (default: derived from --seconds)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    binary = str(Path(args.binary).resolve())
    if not os.access(binary, os.X_OK):
        log(f"contract: {binary} is not an executable")
        return 2

    allowlist = load_allowlist()

    # run.sh's `timeout` (or CI) may send SIGTERM: unwind, so that the server is stopped too.
    def on_term(signum: int, frame: Any) -> None:
        raise SystemExit(f"contract: stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    workdir = Path(tempfile.mkdtemp(prefix="lz-contract-"))
    server = start_server(binary, workdir)
    try:
        return run(args, started, server, allowlist)
    finally:
        stop_server(server.proc)


def run(args: argparse.Namespace, started: float, server: Server, allowlist: list[AllowEntry]) -> int:
    api = Api(server)
    fx = make_fixtures(api, server.owner_id)
    log(
        f"server {server.origin}; fixtures: users {fx.users}, meetings {fx.meetings}, "
        f"registrant {fx.registrant_id}, assistant {fx.assistant_id}"
    )

    specs = []
    for name in SPECS:
        path = FIXTURES / name
        spec = json.loads(path.read_text())
        servers = [s.get("url", "") for s in spec.get("servers", [])]
        if servers and not all(s.rstrip("/").endswith("/v2") for s in servers):
            log(f"contract: {name} declares servers {servers}; expected a /v2 base path")
            return 2
        routed, unrouted = probe_operations(api, spec)
        specs.append((name, path, routed, unrouted))
        log(f"{name}: {len(routed)} of {len(routed) + len(unrouted)} operations routed by the server")
    total_ops = sum(len(s[2]) for s in specs)

    # Budget. Measured on the 2-core CI machine kind with the 45 routed operations, a whole run
    # with max-examples N takes about 55 + 0.41 N + 0.0016 N^2 seconds (30 -> 69 s, 150 -> 152 s,
    # 300 -> 320 s): the examples and coverage phases enumerate the schemas whatever N is, and the
    # cost per example grows as the store fills up. N is taken so that the estimate fits 80% of
    # the time left; each spec also gets a hard deadline (its share of the time left when it
    # starts), so a slower machine ends the run on time with fewer cases instead of overrunning.
    end = started + args.seconds - 3
    remaining = max(10.0, end - time.monotonic())
    scale = total_ops / 45
    a_, b_, c_ = 55.0 * scale, 0.41 * scale, 0.0016 * scale
    target = 0.8 * remaining - a_
    estimate = (-b_ + (b_ * b_ + 4 * c_ * target) ** 0.5) / (2 * c_) if target > 0 else 0
    max_examples = args.max_examples or max(5, min(1000, int(estimate)))
    log(
        f"budget {args.seconds}s, seed {args.seed}, derandomized, max-examples {max_examples} per operation"
        f" (examples, coverage and fuzzing phases)"
    )

    stats = Stats()
    install_hooks(api, fx, stats, allowlist, server.origin)
    results = []
    # Each spec's share of the time left is weighted by its routed operations plus a constant
    # (the per-spec phases cost something whatever the count): 51:34 for Users:Meetings, about
    # what they take. Time a spec does not use goes to the next one.
    weights = [len(routed) + 20 for _, _, routed, _ in specs]
    for index, (name, path, routed, _) in enumerate(specs):
        share = max(5.0, (end - time.monotonic()) * weights[index] / sum(weights[index:]))
        config = build_config(api.base, api.token, fx, args.seed, max_examples)
        t0 = time.monotonic()
        cases_before = stats.cases
        res = run_spec(path, set(routed), config, time.monotonic() + share)
        res["name"] = name
        res["elapsed"] = time.monotonic() - t0
        res["cases"] = stats.cases - cases_before
        results.append(res)
        log(
            f"{name}: {len(res['operations'])} operations, {res['cases']} cases in {res['elapsed']:.0f}s"
            f" (stop: {res['stopped']})"
        )
        if server.proc.poll() is not None:
            code = server.proc.returncode
            why = " (a signal from outside the harness?)" if code in (0, -15, -2) else ""
            log(f"contract: the server exited with {code} during {name}{why}")
            stats.findings[("server", "exit", None, None, None)] = Finding(
                operation="(server)",
                check="not_a_server_error",
                title=f"server process exited with {code}{why}",
                detail=server.stderr_path.read_text()[-2000:],
                status=0,
                body="",
                curl="",
            )
            break

    return report(args, started, server, api, stats, results, specs, allowlist)


def report(args, started, server, api, stats, results, specs, allowlist) -> int:
    log("")
    for res in results:
        for err in res["errors"]:
            log(f"error ({res['name']}): {err}")
    for err in stats.fixture_errors:
        log(f"fixture error: {err}")

    routed_ops = sorted({f"{m} {p}" for _, _, routed, _ in specs for m, p in routed})
    tested = sorted(set().union(*(r["operations"] for r in results))) if results else []
    never_reached = [op for op in routed_ops if stats.not_404.get(op, 0) == 0]
    log(
        "responses by status: "
        + ", ".join(f"{code}: {n}" for code, n in sorted(stats.by_status.items()))
        + f"; routing-404 answers: {stats.routing_404}"
    )
    log("per operation: cases / answers other than 404 / 2xx")
    for op in routed_ops:
        log(
            f"  {op:<58} {stats.per_operation.get(op, 0):>5} {stats.not_404.get(op, 0):>5} {stats.ok_2xx.get(op, 0):>5}"
        )
    if never_reached:
        log(f"operations that never answered anything but 404 (fixtures not reaching them?): {never_reached}")

    if stats.non2xx_schema:
        log("")
        log(f"note: {len(stats.non2xx_schema)} error response(s) outside the spec's error schema (not counted):")
        for f in stats.non2xx_schema.values():
            log(f"  {f.operation} -> {f.status} {f.detail[:200]} ({f.count}x)")
    if stats.allowed:
        log("")
        log("allow-listed (spec ambiguities):")
        for reason, n in stats.allowed.items():
            log(f"  {n}x {reason}")
    unused = [e for e in allowlist if e.used == 0]
    for e in unused:
        log(f"note: allowlist entry not seen in this run: {e.operation} {e.check} {e.instance_path or ''}")

    if stats.findings:
        log("")
        log(f"FAILURES ({len(stats.findings)}):")
        for i, f in enumerate(stats.findings.values(), 1):
            log(f"--- {i}. {f.operation}: {f.check}: {f.title} ({f.count} case(s))")
            if f.detail:
                log("    " + f.detail[:1500].replace("\n", "\n    "))
            if f.curl:
                log(f"    reproduce (TOKEN from POST {server.origin}/oauth/token, see the server banner):")
                log(f"    {f.curl}")
            log(f"    -> {f.status} {f.body[:1500]}")

    cases = stats.cases
    errors = sum(len(r["errors"]) for r in results) + len(stats.fixture_errors)
    # M: distinct failures, plus engine errors (network errors, timeouts) and fixture requests the
    # server refused mid-run; N: cases without an unallowed failure.
    failed = len(stats.findings) + errors
    passed = cases - len(stats.failing_cases)
    elapsed = time.monotonic() - started
    log("")
    log(f"server log: {server.stderr_path}")
    log(
        f"operations: {len(tested)} tested of {len(routed_ops)} routed; cases: {cases}; "
        f"5xx: {stats.server_errors}; non-404 answers: {sum(stats.not_404.values())}; "
        f"failing cases: {len(stats.failing_cases)}; time: {elapsed:.0f}s"
    )
    if errors:
        log(f"{errors} engine/fixture error(s) above, counted as failures")
    log(f"contract: {passed} passed, {failed} failed")
    ok = failed == 0 and cases > 0 and server.proc.poll() is None
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
