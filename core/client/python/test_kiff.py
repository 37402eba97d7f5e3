"""Tests for kiff.py against a fake Kiff API served on the loopback interface (standard library only).

    python3 -m unittest core/client/python/test_kiff.py -v
"""
import hashlib
import hmac
import io
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import unittest.mock
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiff  # noqa: E402  (needs the path above)

API_KEY = "kiff_test_key"
JOB = "3f1c2a9e-0000-4000-8000-000000000001"


class Request:
    """What a route sees of one request, with helpers to answer it."""

    def __init__(self, handler: BaseHTTPRequestHandler):
        self.handler = handler
        url = urllib.parse.urlsplit(handler.path)
        self.method = handler.command
        self.path = url.path
        self.query = dict(urllib.parse.parse_qsl(url.query))
        self.headers = handler.headers
        length = int(handler.headers.get("Content-Length") or 0)
        self.body = handler.rfile.read(length) if length else b""

    def json(self):
        return json.loads(self.body)

    def send(self, status, body=b"", content_type="application/json", headers=None):
        self.handler.send_response(status)
        self.handler.send_header("Content-Type", content_type)
        self.handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.handler.send_header(name, value)
        self.handler.end_headers()
        self.handler.wfile.write(body)

    def reply(self, status, obj, headers=None):
        self.send(status, json.dumps(obj).encode(), headers=headers)

    def problem(self, status, slug, title, headers=None, **extra):
        body = {"type": f"urn:kiff:problem:{slug}", "title": title, "status": status, **extra}
        self.send(status, json.dumps(body).encode(), "application/problem+json", headers)


class FakeKiff:
    """A programmable stand-in for the API: tests register routes; every request is recorded."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one_request(self):
                # Readers that hang up early (a test that stops iterating) are not errors here.
                try:
                    super().handle_one_request()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _dispatch(self):
                request = Request(self)
                fake.requests.append(request)
                if request.headers.get("Authorization") != f"Bearer {API_KEY}":
                    request.problem(401, "unauthorized", "Unauthorized", {"WWW-Authenticate": "Bearer"})
                    return
                route = fake.routes.get((request.method, request.path))
                if route is None:
                    request.problem(404, "not-found", "Not Found", detail=f"no route {request.path}")
                else:
                    route(request)

            do_GET = do_POST = do_DELETE = _dispatch

            def log_message(self, *args):
                pass  # keep the test output readable

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def route(self, method, path):
        def register(fn):
            self.routes[(method, path)] = fn
            return fn
        return register

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def job_result(status, **fields):
    return {"v": 1, "id": JOB, "tenant": "acme", "vmType": "code-exec", "status": status,
            "exitCode": 0 if status == "SUCCEEDED" else None, "stdout": "", "stderr": "", **fields}


def sse(event):
    """One event in wire form; a multi-line payload becomes several data: lines."""
    event_id, name, data = event
    lines = [f"id: {event_id}", f"event: {name}"] + [f"data: {line}" for line in data.split("\n")]
    return "\n".join(lines) + "\n\n"


class FakeServerTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeKiff()
        self.addCleanup(self.fake.close)
        self.client = kiff.Client(self.fake.url, API_KEY, timeout=5)
        # Reconnection pauses are the server's to set; keep them tiny so the tests stay fast.
        self.client.max_reconnect_delay = 0.05


class AuthAndErrorsTest(FakeServerTest):
    def test_bearer_key_sent(self):
        self.fake.routes[("GET", f"/v1/jobs/{JOB}")] = lambda r: r.reply(200, job_result("RUNNING"))
        self.assertEqual(self.client.get(JOB)["status"], "RUNNING")
        self.assertEqual(self.fake.requests[-1].headers["Authorization"], f"Bearer {API_KEY}")

    def test_unknown_key_is_unauthorized(self):
        client = kiff.Client(self.fake.url, "wrong")
        with self.assertRaises(kiff.Unauthorized) as caught:
            client.tenant()
        self.assertEqual(caught.exception.status, 401)
        self.assertEqual(caught.exception.type, "urn:kiff:problem:unauthorized")

    def test_defaults_from_environment(self):
        env = {"KIFF_URL": self.fake.url + "/", "KIFF_API_KEY": API_KEY}
        with unittest.mock.patch.dict(os.environ, env):
            client = kiff.Client()
        self.assertEqual(client.base_url, self.fake.url)
        self.assertEqual(client.api_key, API_KEY)

    def test_validation_problem_becomes_invalid_request_with_violations(self):
        errors = [{"field": "code", "message": "must not be blank"},
                  {"field": "limits.memoryMb", "message": "must be at most 4096"}]
        self.fake.routes[("POST", "/v1/jobs")] = lambda r: r.problem(
            400, "invalid-job", "Invalid job", detail="2 errors", field="code", errors=errors)
        with self.assertRaises(kiff.InvalidRequest) as caught:
            self.client.submit("", limits={"memoryMb": 99999})
        e = caught.exception
        self.assertIsInstance(e, kiff.KiffError)
        self.assertEqual((e.status, e.type, e.title, e.detail, e.field),
                         (400, "urn:kiff:problem:invalid-job", "Invalid job", "2 errors", "code"))
        self.assertEqual(e.violations, errors)
        self.assertIsNone(e.retry_after)
        self.assertIn("limits.memoryMb: must be at most 4096", str(e))

    def test_quota_problem_carries_retry_after(self):
        self.fake.routes[("POST", "/v1/jobs")] = lambda r: r.problem(
            429, "quota-exceeded", "Quota exceeded", {"Retry-After": "7"}, quota="submissionsPerSecond")
        with self.assertRaises(kiff.QuotaExceeded) as caught:
            self.client.submit("print(1)")
        self.assertEqual(caught.exception.retry_after, 7.0)
        self.assertEqual(caught.exception.problem["quota"], "submissionsPerSecond")

    def test_unavailable_carries_retry_after(self):
        self.fake.routes[("GET", "/v1/tenant")] = lambda r: r.problem(
            503, "unavailable", "Service Unavailable", {"Retry-After": "2"})
        with self.assertRaises(kiff.KiffError) as caught:
            self.client.tenant()
        self.assertEqual((caught.exception.status, caught.exception.retry_after), (503, 2.0))

    def test_status_codes_map_to_exceptions(self):
        self.fake.routes[("DELETE", f"/v1/jobs/{JOB}")] = lambda r: r.problem(
            409, "job-already-ended", "Job already ended", jobStatus="SUCCEEDED")
        with self.assertRaises(kiff.Conflict) as caught:
            self.client.cancel(JOB)
        self.assertEqual(caught.exception.problem["jobStatus"], "SUCCEEDED")
        with self.assertRaises(kiff.NotFound):
            self.client.get("someone-elses-job")

    def test_non_json_error_body(self):
        self.fake.routes[("GET", "/v1/tenant")] = lambda r: r.send(502, b"<html>bad gateway</html>", "text/html")
        with self.assertRaises(kiff.KiffError) as caught:
            self.client.tenant()
        self.assertEqual(caught.exception.status, 502)
        self.assertIn("bad gateway", str(caught.exception))


class JobsTest(FakeServerTest):
    def test_submit_sends_camel_case_body_and_idempotency_key(self):
        answer = {"id": JOB, "status": "QUEUED", "replayed": False, "links": {}}
        self.fake.routes[("POST", "/v1/jobs")] = lambda r: r.reply(202, answer)
        self.assertEqual(self.client.submit("print(1)", vm_type="ml-agent", stdin="x", callback_url="https://me/h",
                                            retry={"maxAttempts": 2}, idempotency_key="k-1"), answer)
        request = self.fake.requests[-1]
        self.assertEqual(request.json(), {"vmType": "ml-agent", "language": "python", "code": "print(1)",
                                          "stdin": "x", "callbackUrl": "https://me/h", "retry": {"maxAttempts": 2}})
        self.assertEqual(request.headers["Idempotency-Key"], "k-1")
        self.assertEqual(request.headers["Content-Type"], "application/json")

    def test_wait_long_polls_until_terminal(self):
        answers = iter([job_result("QUEUED"), job_result("RUNNING"), job_result("SUCCEEDED", stdout="42\n")])

        @self.fake.route("GET", f"/v1/jobs/{JOB}")
        def _(r):
            result = next(answers)
            r.reply(200, result, {"Retry-After": "0"} if result["status"] not in kiff.TERMINAL_STATUSES else {})

        result = self.client.wait(JOB)
        self.assertEqual((result["status"], result["stdout"]), ("SUCCEEDED", "42\n"))
        self.assertEqual([r.query.get("wait") for r in self.fake.requests], ["30s"] * 3)

    def test_a_result_carries_what_its_run_used(self):
        usage = {"cpuMs": 31, "peakMemoryMb": 9, "outputBytes": 2, "gatewayCalls": 1, "gatewayBytes": None}
        answers = iter([job_result("SUCCEEDED", usage=usage), job_result("SUCCEEDED")])  # a server from before usage
        self.fake.routes[("GET", f"/v1/jobs/{JOB}")] = lambda r: r.reply(200, next(answers))

        self.assertEqual(self.client.get(JOB)["usage"], usage)
        self.assertIsNone(self.client.wait(JOB).get("usage"))

    def test_reads_a_result_from_a_newer_server_and_one_from_an_older_server(self):
        usage = {"cpuMs": 31, "peakMemoryMb": 9, "outputBytes": 2, "gatewayCalls": 1, "gatewayBytes": None}
        newer = job_result("SUCCEEDED", stdout="1\n", usage={**usage, "gpuMs": 0}, priority="high",
                           artifacts=[{"name": "a.csv", "sizeBytes": 3, "sha256": "00ff"}], attemptHistory=[],
                           deadLettered=False, labels={"team": ["x"]})
        older = {"v": 1, "id": JOB, "tenant": "acme", "vmType": "code-exec", "status": "FAILED", "exitCode": 1,
                 "stdout": "", "stderr": "boom", "message": "exited with code 1", "attempts": 1, "artifacts": []}
        answers = iter([newer, older])
        self.fake.routes[("GET", f"/v1/jobs/{JOB}")] = lambda r: r.reply(200, next(answers))

        from_newer = self.client.wait(JOB)
        self.assertEqual((from_newer["status"], from_newer["stdout"]), ("SUCCEEDED", "1\n"))
        self.assertEqual(from_newer["usage"]["cpuMs"], 31)
        self.assertEqual([a["name"] for a in from_newer["artifacts"]], ["a.csv"])
        from_older = self.client.wait(JOB)
        self.assertEqual((from_older["status"], from_older["stderr"]), ("FAILED", "boom"))
        self.assertIsNone(from_older.get("usage"))
        self.assertFalse(from_older.get("deadLettered", False))
        self.assertEqual(from_older.get("attemptHistory", []), [])

    def test_streams_events_from_a_newer_server(self):
        events = [("1.0", "status", json.dumps({"jobId": JOB, "status": "RUNNING", "attempt": 1, "node": "n1"})),
                  ("1.1", "output", json.dumps({"jobId": JOB, "attempt": 1, "seq": 1, "stream": "stdout",
                                                "data": "a\n", "encoding": "utf-8"})),
                  ("end", "result", json.dumps(job_result("SUCCEEDED", addedLater={"nested": 1})))]
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/events")] = lambda r: r.send(
            200, "".join(sse(e) for e in events).encode(), "text/event-stream")
        out, err = io.StringIO(), io.StringIO()

        result = self.client.stream(JOB, out=out, err=err)

        self.assertEqual(result["status"], "SUCCEEDED")
        self.assertEqual(out.getvalue(), "a\n")
        self.assertEqual(err.getvalue(), "")

    def test_wait_times_out(self):
        @self.fake.route("GET", f"/v1/jobs/{JOB}")
        def _(r):
            wait = r.query["wait"]
            time.sleep(int(wait[:-2]) / 1000 if wait.endswith("ms") else int(wait[:-1]))  # a real long poll
            r.reply(200, job_result("RUNNING"), {"Retry-After": "1"})

        started = time.monotonic()
        with self.assertRaises(TimeoutError):
            self.client.wait(JOB, timeout=0.3)
        self.assertLess(time.monotonic() - started, 2)
        # The window shrinks to what is left of the timeout instead of asking for 30 s.
        first_wait = self.fake.requests[0].query["wait"]
        self.assertRegex(first_wait, r"^\d+ms$")
        self.assertTrue(250 <= int(first_wait[:-2]) <= 300, first_wait)

    def test_run_is_submit_then_wait(self):
        self.fake.routes[("POST", "/v1/jobs")] = lambda r: r.reply(202, {"id": JOB, "status": "QUEUED"})
        self.fake.routes[("GET", f"/v1/jobs/{JOB}")] = lambda r: r.reply(200, job_result("SUCCEEDED"))
        self.assertEqual(self.client.run("print(1)", language="python")["status"], "SUCCEEDED")

    def test_logs_artifacts_and_webhooks(self):
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/logs")] = lambda r: r.reply(
            200, {"jobId": JOB, "truncated": False, "stream": r.query.get("stream"), "chunks": []})
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/artifacts")] = lambda r: r.reply(
            200, {"artifacts": [{"name": "out dir/a.csv", "sizeBytes": 3}]})
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/artifacts/out%20dir%2Fa.csv")] = lambda r: r.send(
            200, b"\x00\x01\x02", "application/octet-stream")
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/webhooks")] = lambda r: r.reply(200, {"items": [{"id": "d1"}]})
        self.assertEqual(self.client.logs(JOB, stream="stderr")["stream"], "stderr")
        [artifact] = self.client.artifacts(JOB)
        self.assertEqual(self.client.artifact(JOB, artifact["name"]), b"\x00\x01\x02")
        self.assertEqual(self.client.webhooks(JOB), [{"id": "d1"}])


class SSEParserTest(unittest.TestCase):
    STREAM = (": keep-alive\n"
              "retry: 2500\n"
              "id: 1.0\nevent: status\ndata: {\"status\":\"RUNNING\"}\n\n"
              ": a comment between events\n"
              "id: 1.1\nevent: output\ndata: line one\ndata:line two\ndata: \ndata\n\n"
              "data: no id or event field here\n\n"
              "event: ignored\nid: 7\n\n"          # no data: not dispatched, but the id sticks
              "data: x\nunknown: field\nid: bad\0id\n\n")

    EXPECTED = [kiff.Event("1.0", "status", '{"status":"RUNNING"}'),
                kiff.Event("1.1", "output", "line one\nline two\n\n"),
                kiff.Event("1.1", "message", "no id or event field here"),
                kiff.Event("7", "message", "x")]

    def test_fields_comments_multiline_data(self):
        parser = kiff.SSEParser()
        self.assertEqual(parser.feed(self.STREAM), self.EXPECTED)
        self.assertEqual(parser.retry, 2500)

    def test_any_chunking_and_line_ending(self):
        for eol in ("\n", "\r\n", "\r"):
            text = self.STREAM.replace("\n", eol)
            for size in (1, 2, 3, 7, len(text)):
                with self.subTest(eol=eol, size=size):
                    parser = kiff.SSEParser()
                    events = []
                    for i in range(0, len(text), size):
                        events += parser.feed(text[i:i + size])
                    self.assertEqual(events, self.EXPECTED)

    def test_lone_cr_dispatches_without_waiting_for_more(self):
        parser = kiff.SSEParser()
        self.assertEqual(parser.feed("data: a\r\r"), [kiff.Event(None, "message", "a")])
        self.assertEqual(parser.feed("\ndata: b\n\n"), [kiff.Event(None, "message", "b")])

    def test_incomplete_event_is_not_dispatched(self):
        self.assertEqual(kiff.SSEParser().feed("id: 1\ndata: half"), [])


class EventStreamTest(FakeServerTest):
    EVENTS = [("1.0", "status", json.dumps({"jobId": JOB, "status": "RUNNING", "attempt": 1})),
              *[(f"1.{seq}", "output", json.dumps({"jobId": JOB, "attempt": 1, "seq": seq, "data": f"line {seq}\n",
                                                   "stream": "stderr" if seq == 3 else "stdout"}))
                for seq in range(1, 7)],
              ("end", "result", json.dumps(job_result("SUCCEEDED", stdout="..."), indent=1))]  # multi-line

    def serve_events(self, drop_after, chunked):
        """Serve EVENTS; the first connection dies after `drop_after` events plus half of the next one."""
        @self.fake.route("GET", f"/v1/jobs/{JOB}/events")
        def _(r):
            ids = [e[0] for e in self.EVENTS]
            last = r.headers.get("Last-Event-ID")
            start = ids.index(last) + 1 if last else 0
            first = len(self.fake.requests) == 1
            body = "retry: 10\n: keep-alive\n\n"
            body += "".join(sse(e) for e in self.EVENTS[start:start + drop_after if first else None])
            if first:
                body += sse(self.EVENTS[start + drop_after])[:25]  # cut mid-event
            handler = r.handler
            if chunked:
                handler.protocol_version = "HTTP/1.1"
            handler.send_response(200)
            handler.send_header("Content-Type", "text/event-stream")
            if chunked:
                handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            for piece in (body[i:i + 40] for i in range(0, len(body), 40)):  # trickle, as a live stream does
                data = piece.encode()
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                handler.wfile.flush()
            if chunked and not first:
                handler.wfile.write(b"0\r\n\r\n")
            handler.close_connection = True  # first time: no terminating chunk, the socket just closes

    def test_reconnects_with_last_event_id_without_loss_or_repeat(self):
        for chunked in (False, True):
            with self.subTest(chunked=chunked):
                self.fake.requests.clear()
                self.serve_events(drop_after=4, chunked=chunked)
                events = list(self.client.events(JOB))
                self.assertEqual([(e.id, e.event) for e in events], [(i, n) for i, n, _ in self.EVENTS])
                self.assertEqual(events[2].data["data"], "line 2\n")
                self.assertEqual(events[-1].data["status"], "SUCCEEDED")  # multi-line JSON reassembled
                self.assertEqual([r.headers.get("Last-Event-ID") for r in self.fake.requests], [None, "1.3"])

    def test_resumes_from_given_id(self):
        self.serve_events(drop_after=1, chunked=False)
        events = list(self.client.events(JOB, last_event_id="1.4"))
        self.assertEqual([e.id for e in events], ["1.5", "1.6", "end"])
        self.assertEqual(self.fake.requests[0].headers["Last-Event-ID"], "1.4")

    def test_stream_copies_output_and_returns_result(self):
        self.serve_events(drop_after=3, chunked=False)
        out, err = io.StringIO(), io.StringIO()
        result = self.client.stream(JOB, out=out, err=err)
        self.assertEqual(result["status"], "SUCCEEDED")
        self.assertEqual(out.getvalue(), "line 1\nline 2\nline 4\nline 5\nline 6\n")
        self.assertEqual(err.getvalue(), "line 3\n")

    def test_not_found_is_not_retried(self):
        with self.assertRaises(kiff.NotFound):
            list(self.client.events("nope"))
        self.assertEqual(len(self.fake.requests), 1)

    def test_gives_up_when_server_keeps_failing(self):
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/events")] = lambda r: r.problem(503, "unavailable", "Unavailable")
        self.client.max_reconnect_attempts = 2
        with self.assertRaises(kiff.KiffError):
            list(self.client.events(JOB))
        self.assertEqual(len(self.fake.requests), 3)

    def test_tenant_events_keep_going_across_drops(self):
        @self.fake.route("GET", "/v1/events")
        def _(r):
            # Each connection delivers two results, then the server closes it.
            start = int(r.headers.get("Last-Event-ID") or 0) + 1
            body = "retry: 5\n" + "".join(
                sse((str(n), "result", json.dumps({"id": f"job-{n}"}))) for n in (start, start + 1))
            r.send(200, body.encode(), "text/event-stream")

        events = list(itertools.islice(self.client.tenant_events(), 7))
        self.assertEqual([e.data["id"] for e in events], [f"job-{n}" for n in range(1, 8)])
        self.assertEqual([r.headers.get("Last-Event-ID") for r in self.fake.requests], [None, "2", "4", "6"])


class BatchesTest(FakeServerTest):
    BATCH = "b-1"

    def test_batch_jobs_follows_cursor(self):
        items = [job_result("FAILED", id=f"job-{n}") for n in range(5)]

        @self.fake.route("GET", f"/v1/batches/{self.BATCH}/jobs")
        def _(r):
            start = int(r.query.get("cursor", "0"))
            end = start + int(r.query["limit"])
            r.reply(200, {"items": items[start:end], "nextCursor": str(end) if end < len(items) else None})

        got = list(self.client.batch_jobs(self.BATCH, status="FAILED", limit=2))
        self.assertEqual([j["id"] for j in got], [f"job-{n}" for n in range(5)])
        self.assertEqual([r.query.get("cursor") for r in self.fake.requests], [None, "2", "4"])
        self.assertTrue(all(r.query["status"] == "FAILED" and r.query["limit"] == "2" for r in self.fake.requests))

    def test_submit_batch_and_wait(self):
        self.fake.routes[("POST", "/v1/batches")] = lambda r: r.reply(202, {"id": self.BATCH, "size": 2})
        states = iter(["RUNNING", "RUNNING", "COMPLETED"])
        self.fake.routes[("GET", f"/v1/batches/{self.BATCH}")] = lambda r: r.reply(
            200, {"id": self.BATCH, "status": next(states), "counts": {"SUCCEEDED": 2}})
        batch = self.client.submit_batch(template={"code": "print(input())"}, inputs=[{"stdin": "a"}, {"stdin": "b"}])
        self.assertEqual(self.fake.requests[0].json(),
                         {"template": {"vmType": "code-exec", "language": "python", "code": "print(input())"},
                          "inputs": [{"stdin": "a"}, {"stdin": "b"}]})
        self.assertEqual(self.client.wait_batch(batch["id"], interval=0.01)["status"], "COMPLETED")
        self.assertEqual(len(self.fake.requests), 4)

    def test_submit_batch_needs_one_form(self):
        with self.assertRaises(ValueError):
            self.client.submit_batch()
        with self.assertRaises(ValueError):
            self.client.submit_batch(jobs=[{"code": "1"}], template={"code": "1"}, inputs=[])

    def test_dead_letters_paginate(self):
        @self.fake.route("GET", "/v1/dlq")
        def _(r):
            if r.query.get("cursor") == "c2":
                r.reply(200, {"items": [{"jobId": "j3"}], "nextCursor": None})
            else:
                r.reply(200, {"items": [{"jobId": "j1"}, {"jobId": "j2"}], "nextCursor": "c2"})

        self.assertEqual([d["jobId"] for d in self.client.dead_letters(limit=2)], ["j1", "j2", "j3"])


class VerifySignatureTest(unittest.TestCase):
    SECRET = "whsec_test"
    BODY = b'{"id":"d-1","type":"job.completed","data":{"status":"SUCCEEDED"}}'
    NOW = 1_700_000_000

    def headers(self, timestamp=NOW, body=BODY, secret=SECRET):
        mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return {"Kiff-Timestamp": str(timestamp), "Kiff-Signature": f"v1={mac}", "Kiff-Event": "job.completed"}

    def test_accepts_a_correct_signature(self):
        self.assertTrue(kiff.verify_signature(self.SECRET, self.headers(), self.BODY, now=self.NOW + 10))

    def test_header_names_are_case_insensitive(self):
        lowered = {k.lower(): v for k, v in self.headers().items()}
        self.assertTrue(kiff.verify_signature(self.SECRET, lowered, self.BODY, now=self.NOW))

    def test_rejects_wrong_signature_secret_or_body(self):
        self.assertFalse(kiff.verify_signature("whsec_other", self.headers(), self.BODY, now=self.NOW))
        self.assertFalse(kiff.verify_signature(self.SECRET, self.headers(), self.BODY + b" ", now=self.NOW))
        forged = {**self.headers(), "Kiff-Signature": "v1=" + "0" * 64}
        self.assertFalse(kiff.verify_signature(self.SECRET, forged, self.BODY, now=self.NOW))

    def test_rejects_old_or_missing_timestamp(self):
        old = self.NOW - 301
        self.assertFalse(kiff.verify_signature(self.SECRET, self.headers(timestamp=old), self.BODY, now=self.NOW))
        self.assertTrue(kiff.verify_signature(self.SECRET, self.headers(timestamp=old), self.BODY,
                                              tolerance=600, now=self.NOW))
        no_stamp = {k: v for k, v in self.headers().items() if k != "Kiff-Timestamp"}
        self.assertFalse(kiff.verify_signature(self.SECRET, no_stamp, self.BODY, now=self.NOW))
        self.assertFalse(kiff.verify_signature(self.SECRET, {**self.headers(), "Kiff-Timestamp": "soon"},
                                               self.BODY, now=self.NOW))


class CommandLineTest(FakeServerTest):
    def test_run_streams_output_and_exits_with_job_exit_code(self):
        self.fake.routes[("POST", "/v1/jobs")] = lambda r: r.reply(202, {"id": JOB, "status": "QUEUED"})
        result = json.dumps(job_result("FAILED", exitCode=3, message="exit status 3"))
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/events")] = lambda r: r.send(200, (
            sse(("1.1", "output", json.dumps({"stream": "stdout", "data": "hello\n"}))) +
            sse(("end", "result", result))).encode(), "text/event-stream")
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as script:
            script.write("echo hello; exit 3\n")
        self.addCleanup(os.unlink, script.name)
        env = {**os.environ, "KIFF_URL": self.fake.url, "KIFF_API_KEY": API_KEY, "PYTHONDONTWRITEBYTECODE": "1"}
        done = subprocess.run([sys.executable, kiff.__file__, "run", script.name, "--vm-type", "data-processing"],
                              env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertEqual(done.stdout, "hello\n")
        self.assertIn("FAILED", done.stderr)
        self.assertEqual(self.fake.requests[0].json()["language"], "bash")
        self.assertEqual(self.fake.requests[0].json()["vmType"], "data-processing")


class RecordSignatureTest(unittest.TestCase):
    def test_signs_as_the_workers_check(self):
        # The same vector is in the Java contract's RecordSignatureTest and the Java client's RecordSignerTest.
        name, value = kiff.sign_record("kpk.acme.secret", "kiff.jobs.code-exec", "job-1", b"{}")
        self.assertEqual(name, "kiff-signature")
        self.assertEqual(value, b"tenant/acme:Yfm47rcDU+hIqb7IWdl7KYr+c+VxskAhLMOjCYFRdG4=")

    def test_covers_topic_key_and_value(self):
        base = kiff.sign_record("kpk.acme.secret", "kiff.jobs.code-exec", "job-1", "{}")[1]
        self.assertNotEqual(base, kiff.sign_record("kpk.acme.secret", "kiff.jobs.browser", "job-1", "{}")[1])
        self.assertNotEqual(base, kiff.sign_record("kpk.acme.secret", "kiff.jobs.code-exec", "job-2", "{}")[1])
        self.assertNotEqual(base, kiff.sign_record("kpk.acme.secret", "kiff.jobs.code-exec", None, "{}")[1])
        self.assertNotEqual(base, kiff.sign_record("kpk.acme.secret", "kiff.jobs.code-exec", "job-1", "{ }")[1])

    def test_refuses_what_is_no_producer_key(self):
        with self.assertRaises(ValueError):
            kiff.sign_record("kiff_api_key", "t", "k", b"v")


if __name__ == "__main__":
    unittest.main()
