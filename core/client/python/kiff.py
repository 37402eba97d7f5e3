"""kiff: a client for the Kiff job-execution HTTP API (v1), standard library only.

Copy this one file into a project; it needs nothing but Python 3.11+. ::

    import kiff

    client = kiff.Client()                      # KIFF_URL (default http://localhost:8080), KIFF_API_KEY
    result = client.run("print(6 * 7)")         # submit, then wait for the JobResult
    print(result["status"], result["stdout"])   # SUCCEEDED 42

    job = client.submit("import time\\nfor i in range(3): print(i); time.sleep(1)")
    for event in client.events(job["id"]):      # SSE: status / output / result, resumed across drops
        print(event.event, event.data)

    batch = client.submit_batch(template={"code": "print(input())"}, inputs=[{"stdin": "a"}, {"stdin": "b"}])
    client.wait_batch(batch["id"])
    failed = list(client.batch_jobs(batch["id"], status="FAILED"))

    # in a webhook receiver, with the tenant's webhookSecret:
    kiff.verify_signature(secret, request_headers, raw_body)

    # a job record your own pipeline produces to Kafka, with the tenant's producer key:
    name, signature = kiff.sign_record(producer_key, "kiff.jobs.code-exec", job_id, payload)

Errors come back as ``KiffError`` (``NotFound``, ``Conflict``, ``QuotaExceeded``, ``Unauthorized``,
``InvalidRequest``) built from the server's problem+json. Connections go straight to the base URL:
``HTTP_PROXY`` and the like are not consulted.

Sessions keep state across runs (Python globals, files in ``/workspace``)::

    with client.create_session("data-processing") as s:   # deleted when the block ends
        s.upload("in.csv", "region,amount\\nnorth,17\\nsouth,5\\n")
        s.run("import pandas as pd; df = pd.read_csv('in.csv')")
        print(s.run("df.amount.sum()").value)              # 22
        s.run("df.plot.bar(x='region')").save_images(".")  # ['./kiff-<run>-1.png']
        for event in s.stream("for i in range(3): print(i)"):
            print(event.event, event.data)

Command line: ``python3 kiff.py run FILE.py [--vm-type T] [--language L]`` (streams the output, exits with the
job's exit code), ``python3 kiff.py get ID``, ``python3 kiff.py batch FILE.json``, and
``python3 kiff.py repl [--vm-type data-processing] [--session ID] [--keep]``: a Python prompt backed by a session.
"""
from __future__ import annotations

import base64
import codecs
import codeop
import email.utils
import hashlib
import hmac
import http.client
import json
import os
import re
import sys
import time
import urllib.parse
import warnings
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, TextIO

__all__ = [
    "Client", "Event", "SSEParser", "verify_signature", "TERMINAL_STATUSES",
    "KiffError", "NotFound", "Conflict", "QuotaExceeded", "Unauthorized", "InvalidRequest",
    "Session", "RunResult", "SessionBusy", "SessionEnded", "SessionOperationError", "Repl",
]

DEFAULT_URL = "http://localhost:8080"
TERMINAL_STATUSES = frozenset(
    {"SUCCEEDED", "FAILED", "TIMED_OUT", "OOM_KILLED", "CANCELLED", "ERROR", "REJECTED"})
MAX_LONG_POLL_SECONDS = 60  # the server caps ?wait= at 60 s
USER_AGENT = "kiff-python/1"


# ---------------------------------------------------------------------------------------------------- errors

class KiffError(Exception):
    """An error answer from the API, carrying its problem+json.

    ``problem`` is the whole decoded body (so extension members such as ``jobStatus`` or ``quota`` stay
    reachable); ``violations`` is the list of ``{"field", "message"}`` of a validation error; ``retry_after`` is
    the ``Retry-After`` header in seconds (429 and 503), else None.
    """

    def __init__(self, status: int, problem: Mapping[str, Any] | None = None, *,
                 retry_after: float | None = None, body: str | None = None):
        self.problem: dict[str, Any] = dict(problem or {})
        self.status = status
        self.type: str = self.problem.get("type", "about:blank")
        self.title: str | None = self.problem.get("title")
        self.detail: str | None = self.problem.get("detail")
        self.field: str | None = self.problem.get("field")
        self.violations: list[dict[str, Any]] = list(self.problem.get("errors") or [])
        self.retry_after = retry_after
        # Kept for answers that were not problem+json (a proxy's HTML page, say), where it is all we have.
        self.body = body
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.status} {self.title or http.client.responses.get(self.status, 'Error')}"
        if self.detail:
            text += f": {self.detail}"
        elif self.body and not self.problem:
            text += f": {self.body[:200]}"
        if self.violations:
            text += " [" + "; ".join(f"{v.get('field')}: {v.get('message')}" for v in self.violations) + "]"
        return text


class InvalidRequest(KiffError):
    """400 or 413: the request failed validation (see ``violations``)."""


class Unauthorized(KiffError):
    """401: the API key is missing or unknown."""


class NotFound(KiffError):
    """404: no such job, batch or session -- including one that belongs to another tenant."""


class Conflict(KiffError):
    """409 (e.g. cancelling a job that already ended; see ``problem["jobStatus"]``) or 422 (an
    ``Idempotency-Key`` reused with a different body)."""


class QuotaExceeded(KiffError):
    """429: a tenant quota is used up (``problem["quota"]`` names it, ``maxOpenSessions`` for sessions); try again
    after ``retry_after``."""


class SessionBusy(Conflict):
    """409 ``session-busy`` (one run at a time: ``problem["currentRun"]`` is the one under way) or
    ``session-not-ready`` (not opened yet); try again after ``retry_after``."""


class SessionEnded(KiffError):
    """410 ``session-ended``: the session EXPIRED, was DELETED or was LOST with its worker
    (``problem["sessionState"]``, ``problem["reason"]``). Its state is gone; a new session starts empty."""


class SessionOperationError(KiffError):
    """A file operation of a session reached the sandbox and failed there (no such file, not a regular file, too
    large). ``result`` is the operation's run: its ``message`` and ``stderr`` say why. ``status`` is 0."""

    def __init__(self, message: str, result: Mapping[str, Any]):
        self.result = dict(result)
        super().__init__(0, {"title": "Session operation failed", "detail": message})


_ERRORS_BY_STATUS: dict[int, type[KiffError]] = {
    400: InvalidRequest, 413: InvalidRequest, 401: Unauthorized, 404: NotFound,
    409: Conflict, 410: SessionEnded, 422: Conflict, 429: QuotaExceeded,
}
_SESSION_BUSY_TYPES = frozenset({"urn:kiff:problem:session-busy", "urn:kiff:problem:session-not-ready"})


def _parse_retry_after(value: str | None) -> float | None:
    """Retry-After is delta-seconds or an HTTP-date (RFC 9110); both become seconds from now."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_from_response(status: int, headers: http.client.HTTPMessage, body: bytes) -> KiffError:
    text = body.decode("utf-8", errors="replace")
    problem: dict[str, Any] = {}
    try:
        decoded = json.loads(text) if text else {}
        if isinstance(decoded, dict):
            problem = decoded
    except ValueError:
        pass
    cls = _ERRORS_BY_STATUS.get(status, KiffError)
    if status == 409 and problem.get("type") in _SESSION_BUSY_TYPES:
        cls = SessionBusy
    return cls(status, problem, retry_after=_parse_retry_after(headers.get("Retry-After")), body=text)


# ---------------------------------------------------------------------------------------------------- SSE

class Event(NamedTuple):
    """One server-sent event. ``data`` is the decoded JSON payload (the raw text if it is not JSON)."""
    id: str | None
    event: str
    data: Any


_EOL = re.compile(r"\r\n|\r|\n")


class SSEParser:
    """Incremental parser for the ``text/event-stream`` format (WHATWG HTML, "server-sent events").

    Feed it decoded text in chunks of any size; it returns the events completed by each chunk, with ``data``
    left as the raw string. Lines may end in CRLF, LF or CR, even split across chunks. ``last_event_id``
    persists from event to event as the standard requires, and ``retry`` holds the last reconnection delay
    (milliseconds) the server asked for.
    """

    def __init__(self, last_event_id: str | None = None):
        self.last_event_id = last_event_id
        self.retry: int | None = None
        self._buffer = ""
        self._skip_lf = False  # the previous chunk ended in CR, which may be the first half of a CRLF
        self._event_type = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[Event]:
        if self._skip_lf and text:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
        buffer = self._buffer + text
        events = []
        pos = 0
        for eol in _EOL.finditer(buffer):
            event = self._process_line(buffer[pos:eol.start()])
            pos = eol.end()
            if event is not None:
                events.append(event)
        self._buffer = buffer[pos:]
        # A line that ended in a lone CR was handled right away (the server may pause after it); if the next
        # chunk starts with LF, that LF belongs to this CR and must not count as an empty line.
        if buffer and pos == len(buffer) and buffer[-1] == "\r":
            self._skip_lf = True
        return events

    def _process_line(self, line: str) -> Event | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":  # a comment, e.g. the server's keep-alive
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event_type = value
        elif name == "id":
            if "\0" not in value:  # the standard ignores such ids
                self.last_event_id = value
        elif name == "retry":
            if value.isascii() and value.isdigit():
                self.retry = int(value)
        # Any other field name is ignored, as the standard requires.
        return None

    def _dispatch(self) -> Event | None:
        data, event_type = self._data, self._event_type
        self._data, self._event_type = [], ""
        if not data:  # an event with no data field is not dispatched
            return None
        return Event(self.last_event_id, event_type or "message", "\n".join(data))


# ---------------------------------------------------------------------------------------------------- client

class Client:
    """A Kiff API client. Thread-safe: it holds no connection between calls.

    ``base_url`` defaults to ``$KIFF_URL`` (else http://localhost:8080) and may carry a path prefix;
    ``api_key`` defaults to ``$KIFF_API_KEY``; ``timeout`` is the socket timeout in seconds (long polls add
    their wait to it).
    """

    #: Event streams reconnect after a drop; they give up after this many attempts in a row that received
    #: nothing at all (a healthy stream gets a keep-alive comment every 15 s, so this means the server is gone).
    max_reconnect_attempts = 8
    #: Longest pause between two reconnection attempts, in seconds.
    max_reconnect_delay = 30.0

    def __init__(self, base_url: str | None = None, api_key: str | None = None, timeout: float = 30):
        self.base_url = (base_url or os.environ.get("KIFF_URL") or DEFAULT_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("KIFF_API_KEY")
        self.timeout = timeout
        url = urllib.parse.urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {self.base_url!r}")
        self._scheme = url.scheme
        self._netloc = url.netloc
        self._prefix = url.path

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"  # never the key

    # ------------------------------------------------------------------------------------------ jobs

    def submit(self, code: str, language: str = "python", vm_type: str = "code-exec", stdin: str | None = None,
               env: Mapping[str, str] | None = None, files: Mapping[str, str] | None = None,
               limits: Mapping[str, Any] | None = None, callback_url: str | None = None,
               retry: Mapping[str, Any] | None = None, idempotency_key: str | None = None) -> dict:
        """Submit a job; returns the 202 answer (``id``, ``status``, ``replayed``, ``links``).

        Pass an ``idempotency_key`` to make resubmission after a network error safe: the server answers the
        original job (``replayed: true``) instead of starting a second one.
        """
        request = _drop_none({
            "vmType": vm_type, "language": language, "code": code, "stdin": stdin, "env": env, "files": files,
            "limits": limits, "callbackUrl": callback_url, "retry": retry,
        })
        return self.submit_request(request, idempotency_key=idempotency_key)

    def submit_request(self, request: Mapping[str, Any], idempotency_key: str | None = None) -> dict:
        """Submit a job given as a raw JobRequest dict (the API's camelCase field names)."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self._json("POST", "/v1/jobs", body=request, headers=headers)

    def get(self, job_id: str) -> dict:
        """The JobResult of a job, whatever its status.

        Its ``usage`` is what the run consumed (``cpuMs``, ``peakMemoryMb``, ``outputBytes``, ``gatewayCalls``,
        ``gatewayBytes``), or None until a run ends the job; read it with ``.get("usage")``, as servers from before
        usage do not send the field.
        """
        return self._json("GET", f"/v1/jobs/{_seg(job_id)}")

    def wait(self, job_id: str, timeout: float | None = None, poll: float = 30) -> dict:
        """Long-poll until the job reaches a terminal status and return its JobResult.

        Each request asks the server to hold it up to ``poll`` seconds (at most 60). Raises ``TimeoutError``
        if the job has not ended after ``timeout`` seconds (None: wait as long as it takes).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        window = min(float(poll), MAX_LONG_POLL_SECONDS)
        while True:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"job {job_id} has not ended after {timeout} s")
                window = min(window, remaining)
            started = time.monotonic()
            status, headers, body = self._request(
                "GET", f"/v1/jobs/{_seg(job_id)}", query={"wait": _duration(window)},
                timeout=self.timeout + window)
            result = _decode_json(body)
            if result.get("status") in TERMINAL_STATUSES:
                return result
            # The server answered before the window was up without a final status (a status change, or a
            # server that does not long-poll): pause as its Retry-After asks rather than spin.
            elapsed = time.monotonic() - started
            if elapsed < window:
                pause = _parse_retry_after(headers.get("Retry-After"))
                pause = min(1.0 if pause is None else pause, window - elapsed)
                if deadline is not None:
                    pause = min(pause, max(0.0, deadline - time.monotonic()))
                time.sleep(pause)

    def run(self, code: str, *, timeout: float | None = None, **submit_args: Any) -> dict:
        """Submit a job and wait for its JobResult; ``submit_args`` are those of ``submit``."""
        job = self.submit(code, **submit_args)
        return self.wait(job["id"], timeout=timeout)

    def cancel(self, job_id: str) -> dict:
        """Cancel a job; returns its JobResult (CANCELLED). ``Conflict`` if it had already ended otherwise."""
        return self._json("DELETE", f"/v1/jobs/{_seg(job_id)}")

    def logs(self, job_id: str, stream: str | None = None) -> dict:
        """The job's output chunks (``{"jobId", "truncated", "chunks"}``); ``stream`` = stdout or stderr."""
        return self._json("GET", f"/v1/jobs/{_seg(job_id)}/logs", query={"stream": stream})

    def artifacts(self, job_id: str) -> list[dict]:
        """The job's artifacts, as a list of ``{"name", "sizeBytes"}``."""
        return self._json("GET", f"/v1/jobs/{_seg(job_id)}/artifacts").get("artifacts", [])

    def artifact(self, job_id: str, name: str) -> bytes:
        """The content of one artifact."""
        # The slashes of a nested name stay slashes: servers refuse an encoded one (%2F) in a path.
        return self._request("GET", f"/v1/jobs/{_seg(job_id)}/artifacts/{_path(name)}",
                             accept="application/octet-stream")[2]

    def webhooks(self, job_id: str) -> list[dict]:
        """The webhook deliveries of a job, as a list of Delivery."""
        return self._json("GET", f"/v1/jobs/{_seg(job_id)}/webhooks").get("items", [])

    def events(self, job_id: str, last_event_id: str | None = None) -> Iterator[Event]:
        """The job's live events (``status``, ``output``, then ``result``), ending after ``result``.

        A dropped connection is resumed with ``Last-Event-ID``, so no event is lost or repeated. Pass
        ``last_event_id`` to resume a stream read earlier.
        """
        return self._event_stream(f"/v1/jobs/{_seg(job_id)}/events", last_event_id, until_result=True)

    def stream(self, job_id: str, out: TextIO | None = None, err: TextIO | None = None) -> dict:
        """Copy the job's output to ``out``/``err`` (default stdout/stderr) as it comes; return the JobResult."""
        # Resolved at call time, not as default arguments, so redirections made after import are honoured.
        out = sys.stdout if out is None else out
        err = sys.stderr if err is None else err
        attempt = 1
        for event in self.events(job_id):
            if event.event == "output":
                target = err if event.data.get("stream") == "stderr" else out
                target.write(event.data.get("data", ""))
                target.flush()
            elif event.event == "status":
                # A retried job starts its output over; say so, or the two runs would read as one.
                if (event.data.get("attempt") or 1) > attempt:
                    attempt = event.data["attempt"]
                    err.write(f"[kiff] retrying, attempt {attempt}\n")
                    err.flush()
            elif event.event == "result":
                return event.data
        raise ConnectionError(f"event stream of job {job_id} ended without a result")  # unreachable in practice

    # ------------------------------------------------------------------------------------------ tenant

    def tenant(self) -> dict:
        """The caller's tenant: ``id``, ``name``, ``quotas``, ``webhookSecret``, ``usage``."""
        return self._json("GET", "/v1/tenant")

    def tenant_events(self, last_event_id: str | None = None) -> Iterator[Event]:
        """The tenant's event stream (``result`` for each job, ``batch`` for each completed batch).

        It never ends by itself: drops are resumed with ``Last-Event-ID``. Stop by leaving the loop.
        """
        return self._event_stream("/v1/events", last_event_id, until_result=False)

    def dead_letters(self, limit: int = 100) -> Iterator[dict]:
        """All dead-lettered jobs, fetched ``limit`` at a time."""
        return self._paginate("/v1/dlq", {"limit": limit})

    def requeue_dead_letter(self, job_id: str) -> dict:
        """Send a dead letter back to the queue: it gets its attempts again and runs as a new life of the job.

        Returns its JobResult as it is now (QUEUED) with ``links``. A tenant's key requeues its own dead letters,
        as a submission within its quotas (``QuotaExceeded`` at its limit); the admin key any tenant's.
        ``NotFound`` when there is no such job (or it is another tenant's), ``Conflict`` (``problem["jobStatus"]``)
        when it is not a dead letter (any more) or is a session's run.
        """
        return self._json("POST", f"/v1/dlq/{_seg(job_id)}/requeue")

    # ------------------------------------------------------------------------------------------ sessions

    def create_session(self, vm_type: str = "code-exec", *, limits: Mapping[str, Any] | None = None,
                       idle_timeout_ms: int | None = None, max_lifetime_ms: int | None = None,
                       env: Mapping[str, str] | None = None, files: Mapping[str, str] | None = None,
                       idempotency_key: str | None = None, timeout: float = 60) -> "Session":
        """Create a session -- a sandbox of ``vm_type`` held for you across runs -- and wait until a worker opened
        it (READY). Use it as a context manager, so that leaving the block deletes it::

            with client.create_session("data-processing") as s:
                s.run("import pandas as pd; df = pd.DataFrame({'x': [1, 2, 3]})")
                print(s.run("df.x.sum()").value)        # 6

        ``files`` (name -> text) are in ``/workspace`` before the first run. Raises ``QuotaExceeded`` when the
        tenant holds its quota of open sessions, ``SessionEnded`` when it could not be opened, and ``TimeoutError``
        when it is still CREATING after ``timeout`` seconds (it is deleted then, not left holding quota).
        """
        request = _drop_none({"vmType": vm_type, "limits": limits, "idleTimeoutMs": idle_timeout_ms,
                              "maxLifetimeMs": max_lifetime_ms, "env": env, "files": files})
        deadline = time.monotonic() + timeout
        window = max(0.001, min(float(timeout), 30.0))
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        view = self._json("POST", "/v1/sessions", query={"wait": _duration(window)}, body=request, headers=headers,
                          timeout=self.timeout + window)
        while view.get("state") == "CREATING":
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                Session(self, view).close()
                raise TimeoutError(f"session {view.get('id')} was not opened within {timeout} s; it was deleted")
            time.sleep(min(0.25, remaining))
            view = self._json("GET", f"/v1/sessions/{_seg(view['id'])}")
        if view.get("state") in SESSION_ENDED_STATES:
            raise _ended(view)
        return Session(self, view)

    def session(self, session_id: str) -> "Session":
        """A handle on an existing session (``NotFound`` if there is none, or it is another tenant's)."""
        return Session(self, self._json("GET", f"/v1/sessions/{_seg(session_id)}"))

    def sessions(self, state: str = "open", limit: int = 50) -> Iterator[dict]:
        """The tenant's sessions, newest first: ``state`` is ``open`` or ``all``; pages are fetched as you go."""
        cursor = None
        while True:
            page = self._json("GET", "/v1/sessions", query={"state": state, "limit": limit, "cursor": cursor})
            items = page.get("sessions") or []
            yield from items
            cursor = page.get("next")
            if not cursor or not items:
                return

    # ------------------------------------------------------------------------------------------ batches

    def submit_batch(self, jobs: list[Mapping[str, Any]] | None = None, template: Mapping[str, Any] | None = None,
                     inputs: list[Mapping[str, Any]] | None = None, callback_url: str | None = None) -> dict:
        """Submit a batch, either ``jobs`` (JobRequest dicts) or a ``template`` JobRequest with ``inputs``
        (each overriding its ``stdin``/``env``/``files``). All are accepted or none. Returns the 202 answer."""
        if (jobs is None) == (template is None):
            raise ValueError("give either jobs or template (with inputs)")
        if template is not None and inputs is None:
            raise ValueError("a template needs inputs")
        # As submit() does, a job without vmType or language runs python on code-exec.
        if jobs is not None:
            jobs = [_job_defaults(job) for job in jobs]
        if template is not None:
            template = _job_defaults(template)
        body = _drop_none({"jobs": jobs, "template": template, "inputs": inputs, "callbackUrl": callback_url})
        return self._json("POST", "/v1/batches", body=body)

    def batch(self, batch_id: str) -> dict:
        """A batch's status, counts and progress."""
        return self._json("GET", f"/v1/batches/{_seg(batch_id)}")

    def batch_jobs(self, batch_id: str, status: str | None = None, limit: int = 100) -> Iterator[dict]:
        """The JobResults of a batch in submission order (optionally only those with ``status``), fetched
        ``limit`` at a time by following ``nextCursor``."""
        return self._paginate(f"/v1/batches/{_seg(batch_id)}/jobs", {"status": status, "limit": limit})

    def wait_batch(self, batch_id: str, timeout: float | None = None, interval: float = 1.0) -> dict:
        """Poll every ``interval`` seconds until the batch is COMPLETED; ``TimeoutError`` after ``timeout``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            batch = self.batch(batch_id)
            if batch.get("status") == "COMPLETED":
                return batch
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"batch {batch_id} has not completed after {timeout} s")
                time.sleep(min(interval, remaining))
            else:
                time.sleep(interval)

    def cancel_batch(self, batch_id: str) -> dict:
        """Cancel a batch: queued jobs never start, running ones are killed. Returns the Batch."""
        return self._json("DELETE", f"/v1/batches/{_seg(batch_id)}")

    def batch_webhooks(self, batch_id: str) -> list[dict]:
        """The webhook deliveries of a batch, as a list of Delivery."""
        return self._json("GET", f"/v1/batches/{_seg(batch_id)}/webhooks").get("items", [])

    # ------------------------------------------------------------------------------------------ plumbing

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._netloc, timeout=timeout)

    def _send(self, method: str, path: str, query: Mapping[str, Any] | None, body: Any,
              headers: Mapping[str, str] | None, accept: str, timeout: float
              ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send a request; returns the open connection and the response, whose body is not read yet."""
        target = self._prefix + path
        query = {k: v for k, v in (query or {}).items() if v is not None}
        if query:
            target += "?" + urllib.parse.urlencode(query)
        all_headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if self.api_key:
            all_headers["Authorization"] = f"Bearer {self.api_key}"
        payload = None
        if isinstance(body, (bytes, bytearray)):  # a file's content, sent as it is
            payload = bytes(body)
            all_headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            payload = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        conn = self._connect(timeout)
        try:
            conn.request(method, target, body=payload, headers=all_headers)
            return conn, conn.getresponse()
        except BaseException:
            conn.close()
            raise

    def _request(self, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
                 headers: Mapping[str, str] | None = None, accept: str = "application/json",
                 timeout: float | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        """Send a request and read the whole answer; raises KiffError for a status of 400 or above."""
        conn, response = self._send(method, path, query, body, headers, accept,
                                    self.timeout if timeout is None else timeout)
        try:
            data = response.read()
        finally:
            conn.close()
        if response.status >= 400:
            raise _error_from_response(response.status, response.headers, data)
        return response.status, response.headers, data

    def _json(self, method: str, path: str, **kwargs: Any) -> dict:
        return _decode_json(self._request(method, path, **kwargs)[2])

    def _paginate(self, path: str, query: dict[str, Any]) -> Iterator[dict]:
        cursor = None
        while True:
            page = self._json("GET", path, query={**query, "cursor": cursor})
            yield from page.get("items", [])
            cursor = page.get("nextCursor")
            if not cursor:
                return

    def _event_stream(self, path: str, last_event_id: str | None, until_result: bool) -> Iterator[Event]:
        """Read an SSE stream, reconnecting after drops with the id of the last event handed out."""
        failures = 0
        delay = 1.0  # the server may change it with a retry: field
        while True:
            error: BaseException
            headers = {"Cache-Control": "no-cache"}
            if last_event_id is not None:
                headers["Last-Event-ID"] = last_event_id
            retry_after = None
            parser = SSEParser(last_event_id)
            try:
                conn, response = self._send("GET", path, None, None, headers, "text/event-stream", self.timeout)
                try:
                    if response.status >= 400:
                        raise _error_from_response(response.status, response.headers, response.read())
                    # utf-8-sig drops the byte-order mark the standard allows at the start of a stream.
                    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
                    while chunk := response.read1(65536):
                        failures = 0  # anything at all, even a keep-alive, shows the server is there
                        for raw in parser.feed(decoder.decode(chunk)):
                            # Remember the id before yielding: the consumer may stop, or the next read fail.
                            last_event_id = raw.id
                            event = raw._replace(data=_maybe_json(raw.data))
                            yield event
                            if until_result and event.event == "result":
                                return
                    # A clean end before the result (a proxy's idle timeout, a restarting server) is a drop
                    # too; a half-received event is discarded and comes again after the resume.
                    error = ConnectionError(f"event stream {path} closed by the server")
                finally:
                    conn.close()
            except KiffError as e:
                # 429/5xx are passing conditions; any other error (404, 401…) will not cure itself.
                if e.status != 429 and e.status < 500:
                    raise
                error, retry_after = e, e.retry_after
            except (OSError, http.client.HTTPException) as e:  # refused, reset, timed out, truncated chunk
                error = e
            if parser.retry is not None:
                delay = parser.retry / 1000
            failures += 1
            if failures > self.max_reconnect_attempts:
                raise error
            # The first retry comes after the server's delay; repeated failures back off exponentially.
            pause = min(delay * 2 ** (failures - 1), self.max_reconnect_delay)
            time.sleep(pause if retry_after is None else max(pause, retry_after))


# ---------------------------------------------------------------------------------------------------- sessions

SESSION_ENDED_STATES = frozenset({"EXPIRED", "DELETED", "LOST"})


def _ended(view: Mapping[str, Any]) -> SessionEnded:
    """The error of a session seen ended in its view, as the API's 410 would describe it."""
    reason = view.get("reason")
    detail = f"session {view.get('id')} is {view.get('state')}" + (f": {reason}" if reason else "")
    return SessionEnded(410, {"type": "urn:kiff:problem:session-ended", "title": "Session ended", "detail": detail,
                              "sessionState": view.get("state"), "reason": reason})


class RunResult(dict):
    """The JobResult of a run in a session (a dict, as every result), with its rich output at hand:
    ``value`` is the last expression's ``repr`` (the ``text/plain`` display item), ``images`` the plots, and
    ``save_images(directory)`` writes them as ``kiff-<run>-<k>.png``."""

    def __init__(self, result: Mapping[str, Any], session: "Session | None" = None):
        super().__init__(result)
        self._session = session

    @property
    def display(self) -> list[dict]:
        """Every display item: ``{"mimeType", "text", "artifact", "bytes"}``."""
        return list(self.get("display") or [])

    @property
    def value(self) -> str | None:
        """The ``repr`` of the last expression, as a Python prompt prints it; None when there was none."""
        for item in self.display:
            if item.get("mimeType") == "text/plain":
                return item.get("text")
        return None

    @property
    def images(self) -> list[dict]:
        """The image display items (PNG plots), in the order the run made them."""
        return [item for item in self.display if str(item.get("mimeType", "")).startswith("image/")]

    def image(self, item: Mapping[str, Any]) -> bytes:
        """The bytes of one image display item: its artifact of this run, or inline base64 ``data``."""
        if item.get("data"):
            return base64.b64decode(item["data"])
        if not item.get("artifact"):
            raise ValueError(f"display item {item.get('mimeType')} carries no image")
        if self._session is None:
            raise ValueError("this result is not bound to a session to download from")
        return self._session.client.artifact(self["id"], item["artifact"])

    def save_images(self, directory: str = ".") -> list[str]:
        """Write each image as ``<directory>/kiff-<run>-<k>.png`` (``<run>``: the first 8 characters of the run's
        id, ``k`` from 1); returns the paths written."""
        paths = []
        for k, item in enumerate(self.images, 1):
            extension = str(item.get("mimeType")).split("/", 1)[1].split("+", 1)[0] or "png"
            path = os.path.join(directory, f"kiff-{str(self['id'])[:8]}-{k}.{extension}")
            with open(path, "wb") as f:
                f.write(self.image(item))
            paths.append(path)
        return paths


class Session:
    """A session: a sandbox held across runs. Python keeps its globals from one run to the next; files stay in
    ``/workspace``. One run at a time (``SessionBusy`` otherwise); once it ended, calls raise ``SessionEnded``.
    A context manager: leaving the ``with`` block deletes it.

    ``view`` is the session as last fetched (``id``, ``state``, ``reason``, ``currentRun``, ``expiresAt``,
    ``transitions``...). ``current_run`` is the id of the run ``stream`` is following, once known.
    """

    def __init__(self, client: Client, view: Mapping[str, Any]):
        self.client = client
        self.view: dict[str, Any] = dict(view)
        self.id: str = self.view["id"]
        self.current_run: str | None = None

    def __repr__(self) -> str:
        return f"Session({self.id!r}, state={self.view.get('state')!r})"

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @property
    def path(self) -> str:
        return f"/v1/sessions/{_seg(self.id)}"

    def refresh(self) -> dict:
        """Fetch the session again and return its view."""
        self.view = self.client._json("GET", self.path)
        return self.view

    @property
    def state(self) -> str:
        """The session's state now: CREATING, READY, BUSY, IDLE, EXPIRED, DELETED or LOST."""
        return self.refresh()["state"]

    def _run_limit(self, timeout_ms: int | None) -> float:
        """Seconds a run may take: its own limit, else the session's; plus a margin for the way there and back."""
        limit_ms = timeout_ms or (self.view.get("limits") or {}).get("timeoutMs") or 300_000
        return limit_ms / 1000 + 30

    def run(self, code: str, language: str = "python", stdin: str | None = None,
            timeout_ms: int | None = None) -> RunResult:
        """Run code in the session and wait for its result (a ``RunResult``: ``status``, ``stdout``, ``stderr``,
        ``value``, ``images``...). ``language`` is python (globals kept), bash (in /workspace) or node."""
        body = _drop_none({"language": language, "code": code, "stdin": stdin, "timeoutMs": timeout_ms})
        limit = self._run_limit(timeout_ms)
        window = min(30.0, limit)
        status, _, data = self.client._request("POST", self.path + "/runs", query={"wait": _duration(window)},
                                               body=body, timeout=self.client.timeout + window)
        return RunResult(self._ended(status, data, limit), self)

    def stream(self, code: str, language: str = "python", stdin: str | None = None,
               timeout_ms: int | None = None) -> Iterator[Event]:
        """Run code and yield its live events as ``Client.events`` does: ``status``, ``output`` (``data``:
        ``{"stream", "data", ...}``) as the run prints, then ``result``, whose ``data`` is a ``RunResult``. A
        dropped connection is resumed at ``/v1/jobs/<run>/events`` with ``Last-Event-ID``."""
        self.current_run = None
        body = _drop_none({"language": language, "code": code, "stdin": stdin, "timeoutMs": timeout_ms})
        last_id = None
        conn, response = self.client._send("POST", self.path + "/runs", None, body, {"Cache-Control": "no-cache"},
                                           "text/event-stream", self.client.timeout)
        try:
            if response.status >= 400:
                raise _error_from_response(response.status, response.headers, response.read())
            if not (response.headers.get("Content-Type") or "").startswith("text/event-stream"):
                # A server that answers as a plain POST: the result (200), or where the run is (202).
                answer = _decode_json(response.read())
                self.current_run = answer.get("id")
                if response.status == 200:
                    yield Event(None, "result", RunResult(answer, self))
                    return
            else:
                parser = SSEParser()
                decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
                try:
                    while chunk := response.read1(65536):
                        for raw in parser.feed(decoder.decode(chunk)):
                            last_id = raw.id
                            event = raw._replace(data=_maybe_json(raw.data))
                            if self.current_run is None and isinstance(event.data, dict):
                                self.current_run = event.data.get("jobId") or (
                                    event.data.get("id") if event.event == "result" else None)
                            if event.event == "result":
                                yield event._replace(data=RunResult(event.data, self))
                                return
                            yield event
                except (OSError, http.client.HTTPException):
                    pass  # dropped: resumed below from the last event
        finally:
            conn.close()
        if self.current_run is None:
            self.current_run = self.refresh().get("currentRun")
        if self.current_run is None:
            raise ConnectionError(f"the events of a run in session {self.id} were lost before they named it")
        for event in self.client.events(self.current_run, last_event_id=last_id):
            if event.event == "result":
                yield event._replace(data=RunResult(event.data, self))
                return
            yield event

    def interrupt(self, run_id: str | None = None) -> dict:
        """Interrupt a run as Ctrl-C would (Python gets ``KeyboardInterrupt``, bash and node SIGINT): it ends
        CANCELLED and the session keeps its globals and files. ``run_id`` defaults to the run ``stream`` follows,
        else the session's current run. ``Conflict`` if the run had already ended."""
        run_id = run_id or self.current_run or self.refresh().get("currentRun")
        if not run_id:
            raise ValueError(f"session {self.id} has no run to interrupt")
        return self.client._json("DELETE", f"{self.path}/runs/{_seg(run_id)}")

    def upload(self, path: str, data: bytes | str) -> dict:
        """Write ``data`` (bytes, or text as UTF-8) to ``path`` in the session's ``/workspace``, making its
        directories. Paths are relative, of ``[A-Za-z0-9._/-]``, without ``..`` or a part starting with a dot
        (``InvalidRequest`` otherwise). Returns the operation's run."""
        content = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        limit = self._run_limit(None)
        window = min(30.0, limit)
        status, _, answer = self.client._request("PUT", f"{self.path}/files/{_path(path)}",
                                                 query={"wait": _duration(window)}, body=content,
                                                 timeout=self.client.timeout + window)
        return self._succeeded(self._ended(status, answer, limit), f"upload of {path}")

    def download(self, path: str) -> bytes:
        """The content of the file at ``path`` in the session's ``/workspace``; ``SessionOperationError`` if the
        sandbox could not give it (no such file...)."""
        status, headers, data = self.client._request("GET", f"{self.path}/files/{_path(path)}",
                                                     accept="application/octet-stream, application/json",
                                                     timeout=self.client.timeout + 30)
        if status == 200 and not (headers.get("Content-Type") or "").startswith("application/json"):
            return data
        # JSON instead of the bytes: the operation did not succeed (200, its result) or is still running (202).
        done = self._succeeded(self._ended(status, data, self._run_limit(None)), f"download of {path}")
        return self.client.artifact(done["id"], path)

    def files(self) -> list[dict]:
        """The regular files of the session's ``/workspace`` as ``[{"path", "size"}]``, sorted by path."""
        status, _, data = self.client._request("GET", f"{self.path}/files", timeout=self.client.timeout + 30)
        answer = _decode_json(data) if data else {}
        if status == 200 and not (isinstance(answer, dict) and "status" in answer):
            return _listing(answer)
        done = self._succeeded(self._ended(status, data, self._run_limit(None)), "listing")
        for item in done.display:
            if item.get("mimeType") == "application/json" and item.get("text") is not None:
                return _listing(json.loads(item["text"]))
        raise SessionOperationError(f"the listing of session {self.id} answered no files", done)

    def events(self, last_event_id: str | None = None) -> Iterator[Event]:
        """The session's moves (``data``: ``{"state", "at", "reason", "runId"...}``) from the first, then live,
        ending after the one that ends it (EXPIRED, DELETED or LOST)."""
        for event in self.client._event_stream(f"{self.path}/events", last_event_id, until_result=False):
            yield event
            if isinstance(event.data, dict) and event.data.get("state") in SESSION_ENDED_STATES:
                return

    def save_images(self, result: Mapping[str, Any], directory: str = ".") -> list[str]:
        """Write the images of a run of this session as ``<directory>/kiff-<run>-<k>.png``; returns the paths."""
        return RunResult(result, self).save_images(directory)

    def close(self) -> dict:
        """Delete the session: its sandbox is closed, a run under way cancelled. Closing it again, or closing one
        that already ended, is harmless."""
        try:
            self.view = self.client._json("DELETE", self.path)
        except NotFound:
            pass  # already gone: nothing is held any more
        return self.view

    def _ended(self, status: int, data: bytes, limit: float) -> RunResult:
        """The run's result from a 200, or waited for from a 202 (which names the run) within ``limit`` s."""
        answer = _decode_json(data)
        if status != 202:
            return RunResult(answer, self)
        return RunResult(self.client.wait(answer["id"], timeout=limit), self)

    def _succeeded(self, result: RunResult, what: str) -> RunResult:
        if result.get("status") != "SUCCEEDED":
            # The sandbox's own words ("no such file: …") say more than the run's "exit code 1".
            why = (result.get("stderr") or "").strip() or result.get("message")
            raise SessionOperationError(f"the {what} in session {self.id} ended {result.get('status')}"
                                        + (f": {why}" if why else ""), result)
        return result


def _listing(answer: Any) -> list[dict]:
    """A listing as the runner writes it: ``{"files": [...]}`` or the bare list."""
    files = answer if isinstance(answer, list) else (answer or {}).get("files") or []
    return [{"path": f.get("path"), "size": f.get("size", 0)} for f in files]


# ---------------------------------------------------------------------------------------------------- helpers

def _seg(value: str) -> str:
    """Quote a value for use as one path segment (an artifact name may contain '/' or '?')."""
    return urllib.parse.quote(str(value), safe="")


def _path(value: str) -> str:
    """Quote a relative path (a session file, an artifact name) segment by segment, keeping its slashes."""
    return urllib.parse.quote(str(value), safe="/")


def _job_defaults(job: Mapping[str, Any]) -> dict:
    return {"vmType": "code-exec", "language": "python", **job}


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """Omit unset fields, so the server applies its own defaults instead of receiving nulls."""
    return {k: v for k, v in values.items() if v is not None}


def _duration(seconds: float) -> str:
    """A ?wait= value: whole seconds when exact, else milliseconds (never 0, which would not wait at all)."""
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{max(1, round(seconds * 1000))}ms"


def _decode_json(body: bytes) -> dict:
    return json.loads(body) if body else {}


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def verify_signature(secret: str | bytes, headers: Mapping[str, str], body: bytes, tolerance: float = 300,
                     now: float | None = None) -> bool:
    """Check a webhook from Kiff: True only if ``Kiff-Signature`` holds ``v1=<hex HMAC-SHA256(secret,
    "<Kiff-Timestamp>.<body>")>`` and the timestamp is within ``tolerance`` seconds of ``now``.

    ``headers`` is any mapping (header names are matched case-insensitively); ``body`` must be the raw bytes
    received, before any JSON decoding. Rejecting old timestamps stops a captured request being replayed.
    """
    lowered = {str(k).lower(): v for k, v in headers.items()}
    timestamp, signature = lowered.get("kiff-timestamp"), lowered.get("kiff-signature")
    if not timestamp or not signature:
        return False
    timestamp = timestamp.strip()
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    sent_at = int(timestamp)
    now = time.time() if now is None else now
    # Far-future stamps are refused as well: they would stay "fresh" for as long as they lie.
    if abs(now - sent_at) > tolerance:
        return False
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    expected = hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    # Several comma-separated signatures are accepted, so a secret can be rotated without dropping webhooks.
    for part in signature.split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == "v1" and hmac.compare_digest(value.strip().lower().encode(), expected.encode()):
            return True
    return False


RECORD_SIGNATURE_HEADER = "kiff-signature"


def sign_record(producer_key: str, topic: str, key: str | bytes | None, value: str | bytes | None) -> tuple[str, bytes]:
    """The Kafka header that proves a job record comes from the tenant whose producer key this is.

    ``producer_key`` is the tenant's ``kpk.<tenant>.<random>`` (from ``./kiff tenant create`` or
    ``POST /v1/tenant/producer-key``). Returns ``("kiff-signature", b"tenant/<tenant>:<base64 HMAC-SHA256>")``: add
    it to the record, with any Kafka client, exactly as topic, key and value are sent. The MAC covers
    ``b"kiff-record-v1"`` then topic, key and value, each as a 4-byte big-endian length (-1 for a null key or value)
    and its bytes (strings as UTF-8). Workers run a record only as the tenant its signature proves. ::

        name, signature = kiff.sign_record(os.environ["KIFF_PRODUCER_KEY"], topic, job_id, payload)
        producer.send(topic, key=job_id, value=payload, headers=[(name, signature)])
    """
    if not producer_key.startswith("kpk.") or producer_key.count(".") < 2:
        raise ValueError("not a Kiff producer key (kpk.<tenant>.<random>)")
    tenant = producer_key[len("kpk."):].split(".", 1)[0]

    def field(part: str | bytes | None) -> bytes:
        if part is None:
            return (-1).to_bytes(4, "big", signed=True)
        data = part.encode("utf-8") if isinstance(part, str) else part
        return len(data).to_bytes(4, "big", signed=True) + data

    signed = b"kiff-record-v1" + field(topic) + field(key) + field(value)
    mac = hmac.new(producer_key.encode("utf-8"), signed, hashlib.sha256).digest()
    return RECORD_SIGNATURE_HEADER, ("tenant/" + tenant + ":").encode("ascii") + base64.b64encode(mac)


# ---------------------------------------------------------------------------------------------------- REPL

REPL_HELP = """Each entry runs in the session: Python keeps its globals, files stay in /workspace.
  %bash CMD            run CMD with bash in /workspace
  %put LOCAL REMOTE    upload a local file into the session
  %get REMOTE LOCAL    download a file of the session
  %files               list the session's files with their sizes
  %help                this text
Ctrl-C interrupts a run (the session keeps its state) or clears the line; Ctrl-D or exit() ends the REPL.
Plots are saved as ./kiff-<run>-<k>.png."""


class Repl:
    """A read-eval-print loop backed by a session (``kiff.py repl``). Entries continue over several lines as a
    Python prompt's do (``codeop``); each complete one runs in the session with its output streamed as it comes,
    then the last expression's value is printed and plots are saved.

    ``read(prompt)`` returns the next line, raising ``EOFError`` at the end (default: ``input`` on a terminal,
    else lines of stdin without prompts). At the end the session is deleted, unless it was ``attached`` to
    (``--session``) or ``keep`` is set.
    """

    def __init__(self, session: Session, *, attached: bool = False, keep: bool = False,
                 read: Any = None, out: TextIO | None = None, err: TextIO | None = None,
                 interactive: bool | None = None, image_dir: str = "."):
        self.session = session
        self.attached = attached
        self.keep = keep
        self.out = sys.stdout if out is None else out
        self.err = sys.stderr if err is None else err
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.read = read or (input if self.interactive else self._read_piped)
        self.image_dir = image_dir
        self._at_line_start = True

    @staticmethod
    def _read_piped(prompt: str) -> str:
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    def loop(self) -> int:
        """Run until EOF or ``exit()``; returns the exit status (1 when the session ended under it)."""
        status = 0
        buffer: list[str] = []
        while True:
            try:
                line = self.read(("... " if buffer else ">>> ") if self.interactive else "")
            except EOFError:
                if buffer and not self.execute("\n".join(buffer)):
                    status = 1
                if self.interactive:
                    self.err.write("\n")
                break
            except KeyboardInterrupt:
                self.err.write("\nKeyboardInterrupt\n")
                buffer = []
                continue
            if not buffer:
                entry = line.strip()
                if not entry:
                    continue
                if entry in ("exit()", "quit()", "exit", "quit"):
                    break
                if entry.startswith("%"):
                    if not self.magic(entry):
                        status = 1
                        break
                    continue
            buffer.append(line)
            source = "\n".join(buffer)
            if not self._complete(source):
                continue
            buffer = []
            if not self.execute(source):
                status = 1
                break
        self.finish()
        return status

    @staticmethod
    def _complete(source: str) -> bool:
        """Whether the entry is complete, as a Python prompt decides (a block waits for its blank line)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return codeop.compile_command(source, "<kiff>", "single") is not None
            except (SyntaxError, ValueError, OverflowError):
                return True  # invalid: sent anyway, the session's interpreter says why with its traceback

    def execute(self, code: str, language: str = "python") -> bool:
        """Run one entry, streaming its output; False when the session has ended."""
        result = None
        streamed = False
        last_id = None
        try:
            events = self.session.stream(code, language=language)
            try:
                for event in events:
                    last_id = event.id or last_id
                    if event.event == "output" and isinstance(event.data, dict):
                        streamed = True
                        self._write(event.data.get("stream"), event.data.get("data") or "")
                    elif event.event == "result":
                        result = event.data
            except KeyboardInterrupt:
                events.close()
                result = self._interrupted(last_id)
            if result is not None:
                self._report(result, streamed)
        except SessionEnded as e:
            self._end_line()
            self.err.write(f"kiff: {e}\n")
            return False
        except KiffError as e:
            self._end_line()
            self.err.write(f"kiff: {e}\n")
        except KeyboardInterrupt:
            self._end_line()
            self.err.write("KeyboardInterrupt\n")
        except (OSError, http.client.HTTPException) as e:
            self._end_line()
            self.err.write(f"kiff: {e}\n")
        return True

    def _interrupted(self, last_id: str | None) -> RunResult | None:
        """Ctrl-C during a run: interrupt it (the session keeps its state) and follow it to its end, so the next
        entry does not find the session busy. A second Ctrl-C stops waiting."""
        run_id = self.session.current_run or self.session.refresh().get("currentRun")
        try:
            self.session.interrupt(run_id)
        except Conflict:
            pass  # it ended meanwhile
        self._end_line()
        self.err.write("KeyboardInterrupt: run interrupted, the session keeps its state\n")
        self.err.flush()
        try:
            for event in self.session.client.events(run_id, last_event_id=last_id):
                if event.event == "output" and isinstance(event.data, dict):
                    self._write(event.data.get("stream"), event.data.get("data") or "")
                elif event.event == "result":
                    return RunResult(event.data, self.session)
        except KeyboardInterrupt:
            self.err.write("\nnot waiting for the run to end\n")
        return None

    def _write(self, stream: str | None, data: str) -> None:
        if not data:
            return
        if stream == "stderr":
            self.out.flush()
            self.err.write(data)
            self.err.flush()
        else:
            self.out.write(data)
            self.out.flush()
        self._at_line_start = data.endswith("\n")

    def _end_line(self) -> None:
        if not self._at_line_start:
            self.out.write("\n")
            self.out.flush()
            self._at_line_start = True

    def _report(self, result: RunResult, streamed: bool) -> None:
        if not streamed:  # a server that sent no live output: what the result kept
            self._write("stdout", result.get("stdout") or "")
            self._write("stderr", result.get("stderr") or "")
        self._end_line()
        if result.value is not None:
            self.out.write(result.value + "\n")
        for path in result.save_images(self.image_dir):
            self.out.write(f"[image saved: {path}]\n")
        status = result.get("status")
        # A Python exception already showed its traceback on stderr, as a local prompt would, and an interrupt
        # was announced when it was sent; anything else (a timeout, an error of the platform) is said here.
        silent_failure = status == "FAILED" and not (result.get("stderr") or "").strip()
        if status not in ("SUCCEEDED", "FAILED", "CANCELLED") or silent_failure:
            message = result.get("message")
            self.err.write(f"[kiff] run {status}" + (f": {message}" if message else "") + "\n")
        self.out.flush()
        self.err.flush()

    def magic(self, entry: str) -> bool:
        """A ``%`` command; False when the session has ended."""
        name, _, rest = entry[1:].partition(" ")
        args = rest.split()
        try:
            if name == "bash":
                return self.execute(rest, language="bash") if rest.strip() else self._usage("%bash CMD")
            if name == "put":
                if len(args) != 2:
                    return self._usage("%put LOCAL REMOTE")
                with open(os.path.expanduser(args[0]), "rb") as f:
                    content = f.read()
                self.session.upload(args[1], content)
                self.out.write(f"uploaded {len(content)} bytes to {args[1]}\n")
            elif name == "get":
                if len(args) != 2:
                    return self._usage("%get REMOTE LOCAL")
                content = self.session.download(args[0])
                with open(os.path.expanduser(args[1]), "wb") as f:
                    f.write(content)
                self.out.write(f"saved {len(content)} bytes to {args[1]}\n")
            elif name == "files":
                for file in self.session.files():
                    self.out.write(f"{file['size']:>10}  {file['path']}\n")
            elif name in ("help", "?"):
                self.out.write(REPL_HELP + "\n")
            else:
                self.err.write(f"unknown command %{name}; %help lists them\n")
        except SessionEnded as e:
            self.err.write(f"kiff: {e}\n")
            return False
        except (KiffError, OSError) as e:
            self.err.write(f"kiff: {e}\n")
        except KeyboardInterrupt:
            self.err.write("KeyboardInterrupt\n")
        self.out.flush()
        return True

    def _usage(self, usage: str) -> bool:
        self.err.write(f"usage: {usage}\n")
        return True

    def finish(self) -> None:
        """Delete the session, unless it was attached to or is to be kept."""
        if self.attached or self.keep:
            self.err.write(f"session {self.session.id} left open (kiff.py repl --session {self.session.id})\n")
            return
        try:
            self.session.close()
            self.err.write(f"session {self.session.id} closed\n")
        except (KiffError, OSError) as e:
            self.err.write(f"kiff: could not close session {self.session.id}: {e}\n")


# ---------------------------------------------------------------------------------------------------- CLI

_LANGUAGES_BY_SUFFIX = {".py": "python", ".js": "node", ".mjs": "node", ".cjs": "node", ".sh": "bash"}


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="kiff.py", description="Kiff API client (KIFF_URL, KIFF_API_KEY).")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a file as a job, streaming its output; exit with its exit code")
    run.add_argument("file")
    run.add_argument("--vm-type", default="code-exec")
    run.add_argument("--language", help="python, node or bash (default: from the file's extension)")
    get = commands.add_parser("get", help="print a job's JobResult")
    get.add_argument("id")
    batch = commands.add_parser("batch", help="submit a batch from a JSON file, wait, print the Batch")
    batch.add_argument("file", help='{"jobs": [...]} or {"template": {...}, "inputs": [...]}')
    repl = commands.add_parser("repl", help="a Python prompt backed by a session (Ctrl-D ends it)")
    repl.add_argument("--vm-type", default="data-processing", help="VM type of a new session")
    repl.add_argument("--session", metavar="ID", help="attach to an existing session (left open at the end)")
    repl.add_argument("--keep", action="store_true", help="leave the new session open at the end")
    repl.add_argument("--idle-timeout", type=float, metavar="SECONDS", help="idle timeout of a new session")
    args = parser.parse_args(argv)

    client = Client()
    try:
        if args.command == "repl":
            return _repl(client, args)
        if args.command == "run":
            return _run_file(client, args.file, args.vm_type, args.language)
        if args.command == "get":
            print(json.dumps(client.get(args.id), indent=2))
            return 0
        with open(args.file, encoding="utf-8") as f:
            spec = json.load(f)
        submitted = client.submit_batch(jobs=spec.get("jobs"), template=spec.get("template"),
                                        inputs=spec.get("inputs"), callback_url=spec.get("callbackUrl"))
        print(f"batch {submitted['id']}: {submitted.get('size')} jobs", file=sys.stderr)
        done = client.wait_batch(submitted["id"])
        print(json.dumps(done, indent=2))
        return 0 if set(done.get("counts") or {}) <= {"SUCCEEDED"} else 1
    except KiffError as e:
        print(f"kiff: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:  # connection refused, unreadable file, bad JSON…
        print(f"kiff: {e}", file=sys.stderr)
        return 2


def _repl(client: Client, args: Any) -> int:
    if args.session:
        session = client.session(args.session)
        if session.view.get("state") in SESSION_ENDED_STATES:
            raise _ended(session.view)
    else:
        idle = None if args.idle_timeout is None else int(args.idle_timeout * 1000)
        try:
            session = client.create_session(args.vm_type, idle_timeout_ms=idle)
        except KeyboardInterrupt:
            return 130
    repl = Repl(session, attached=bool(args.session), keep=args.keep)
    if repl.interactive:
        try:
            import readline  # noqa: F401  (line editing and history for input())
        except ImportError:
            pass
    print(f"kiff session {session.id} ({session.view.get('vmType')}, {session.view.get('state')}); "
          "%help for commands, Ctrl-D to end", file=sys.stderr)
    try:
        return repl.loop()
    except BaseException:
        # Whatever broke the loop, a session this REPL created must not outlive it unless asked.
        repl.finish()
        raise


def _run_file(client: Client, path: str, vm_type: str, language: str | None) -> int:
    with open(path, encoding="utf-8") as f:
        code = f.read()
    language = language or _LANGUAGES_BY_SUFFIX.get(os.path.splitext(path)[1].lower(), "python")
    job = client.submit(code, language=language, vm_type=vm_type)
    try:
        result = client.stream(job["id"])
    except KeyboardInterrupt:
        # Leaving would orphan a job that keeps using the tenant's quota; stop it too.
        try:
            client.cancel(job["id"])
        except KiffError:
            pass  # it ended meanwhile
        return 130
    if result.get("status") != "SUCCEEDED":
        detail = f": {result['message']}" if result.get("message") else ""
        print(f"kiff: job {job['id']} {result.get('status')}{detail}", file=sys.stderr)
    succeeded = result.get("status") == "SUCCEEDED"
    exit_code = result.get("exitCode")
    # A job that did not succeed must not exit 0, whatever code it reports (a kill may leave 0 or none).
    if isinstance(exit_code, int) and (exit_code != 0 or succeeded):
        return exit_code
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(_main())
