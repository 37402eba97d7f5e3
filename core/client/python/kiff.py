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

Command line: ``python3 kiff.py run FILE.py [--vm-type T] [--language L]`` (streams the output, exits with the
job's exit code), ``python3 kiff.py get ID``, ``python3 kiff.py batch FILE.json``.
"""
from __future__ import annotations

import base64
import codecs
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
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, TextIO

__all__ = [
    "Client", "Event", "SSEParser", "verify_signature", "TERMINAL_STATUSES",
    "KiffError", "NotFound", "Conflict", "QuotaExceeded", "Unauthorized", "InvalidRequest",
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
    """404: no such job or batch -- including one that belongs to another tenant."""


class Conflict(KiffError):
    """409 (e.g. cancelling a job that already ended; see ``problem["jobStatus"]``) or 422 (an
    ``Idempotency-Key`` reused with a different body)."""


class QuotaExceeded(KiffError):
    """429: a tenant quota is used up (``problem["quota"]`` names it); try again after ``retry_after``."""


_ERRORS_BY_STATUS: dict[int, type[KiffError]] = {
    400: InvalidRequest, 413: InvalidRequest, 401: Unauthorized, 404: NotFound,
    409: Conflict, 422: Conflict, 429: QuotaExceeded,
}


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
        return self._request("GET", f"/v1/jobs/{_seg(job_id)}/artifacts/{_seg(name)}",
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
        if body is not None:
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


# ---------------------------------------------------------------------------------------------------- helpers

def _seg(value: str) -> str:
    """Quote a value for use as one path segment (an artifact name may contain '/' or '?')."""
    return urllib.parse.quote(str(value), safe="")


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
    args = parser.parse_args(argv)

    client = Client()
    try:
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
