"""Tests for kiff.py against a fake Kiff API served on the loopback interface (standard library only).

    python3 -m unittest core/client/python/test_kiff.py -v
"""
import hashlib
import hmac
import io
import itertools
import json
import os
import signal
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

            do_GET = do_POST = do_PUT = do_DELETE = _dispatch

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
        self.fake.routes[("GET", f"/v1/jobs/{JOB}/artifacts/out%20dir/a.csv")] = lambda r: r.send(
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

    def test_requeue_dead_letter_posts_without_a_body_and_returns_the_job(self):
        @self.fake.route("POST", f"/v1/dlq/{JOB}/requeue")
        def _(r):
            r.reply(202, {"id": JOB, "status": "QUEUED", "deadLettered": False,
                          "links": {"self": f"/v1/jobs/{JOB}"}}, {"Location": f"/v1/jobs/{JOB}"})

        job = self.client.requeue_dead_letter(JOB)

        self.assertEqual((job["status"], job["links"]["self"]), ("QUEUED", f"/v1/jobs/{JOB}"))
        sent = self.fake.requests[-1]
        self.assertEqual((sent.method, sent.body), ("POST", b""))
        self.assertEqual(sent.headers.get("Authorization"), f"Bearer {API_KEY}")

    def test_requeue_of_a_job_that_is_not_a_dead_letter_is_a_conflict(self):
        self.fake.routes[("POST", f"/v1/dlq/{JOB}/requeue")] = lambda r: r.problem(
            409, "not-a-dead-letter", "Not a dead letter", jobStatus="QUEUED")
        with self.assertRaises(kiff.Conflict) as caught:
            self.client.requeue_dead_letter(JOB)
        self.assertEqual(caught.exception.problem["jobStatus"], "QUEUED")
        self.fake.routes[("POST", f"/v1/dlq/{JOB}/requeue")] = lambda r: r.problem(
            404, "job-not-found", "Job not found")
        with self.assertRaises(kiff.NotFound):
            self.client.requeue_dead_letter(JOB)


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

SID = "5e55a0e0-0000-4000-8000-000000000001"
RUN = "7a11a0e0-0000-4000-8000-000000000002"
SESSION = f"/v1/sessions/{SID}"
PNG = b"\x89PNG\r\n\x1a\n-a-plot-"


def session_view(state, **fields):
    return {"id": SID, "tenant": "acme", "vmType": "data-processing", "state": state, "reason": None,
            "limits": {"timeoutMs": 30000}, "currentRun": None, "runs": 0, "transitions": [], **fields}


def run_result(status="SUCCEEDED", **fields):
    return job_result(status, id=RUN, vmType="data-processing", sessionId=SID, **fields)


def open_events(r):
    """Start an SSE answer whose events are written one at a time (see write_event)."""
    r.handler.send_response(200)
    r.handler.send_header("Content-Type", "text/event-stream")
    r.handler.end_headers()
    r.handler.close_connection = True


def write_event(r, event):
    r.handler.wfile.write(sse(event).encode())
    r.handler.wfile.flush()


def status_event(status="RUNNING"):
    return ("1.0", "status", json.dumps({"jobId": RUN, "status": status, "attempt": 1}))


def output_event(seq, data, stream="stdout"):
    return (f"1.{seq}", "output", json.dumps({"jobId": RUN, "attempt": 1, "seq": seq, "stream": stream,
                                              "data": data}))


def result_event(result):
    return ("end", "result", json.dumps(result))


class FakeSession:
    """A session on the fake API: READY at once; runs are answered by `kernel(request) -> (chunks, result fields)`,
    as SSE when asked for it, else as JSON; every request stays in fake.requests."""

    def __init__(self, fake, kernel=None):
        self.fake = fake
        self.kernel = kernel or (lambda request: ([], {}))
        self.runs = []
        self.files = {}
        self.state = "READY"
        fake.routes[("POST", "/v1/sessions")] = lambda r: r.reply(201, session_view("READY"))
        fake.routes[("GET", SESSION)] = lambda r: r.reply(200, session_view(self.state, currentRun=RUN))
        fake.routes[("DELETE", SESSION)] = self._delete
        fake.routes[("POST", f"{SESSION}/runs")] = self._run
        # The listing as the worker writes it and the API answers it: a bare array.
        fake.routes[("GET", f"{SESSION}/files")] = lambda r: r.reply(200, [
            {"path": name, "size": len(content)} for name, content in sorted(self.files.items())])
        fake.routes[("GET", f"/v1/jobs/{RUN}/artifacts/display/1.png")] = lambda r: r.send(200, PNG, "image/png")

    def _delete(self, r):
        self.state = "DELETED"
        r.reply(200, session_view("DELETED", reason="deleted by the tenant"))

    def _run(self, r):
        request = r.json()
        self.runs.append(request)
        chunks, fields = self.kernel(request)
        stdout = "".join(d for s, d in chunks if s == "stdout")
        stderr = "".join(d for s, d in chunks if s == "stderr")
        result = run_result(**{"stdout": stdout, "stderr": stderr, **fields})
        if r.headers.get("Accept") != "text/event-stream":
            r.reply(200, result)
            return
        open_events(r)
        write_event(r, status_event())
        for seq, (stream, data) in enumerate(chunks, 1):
            write_event(r, output_event(seq, data, stream))
        write_event(r, result_event(result))

    def put_route(self, path):
        def put(r):
            self.files[path] = r.body
            r.reply(200, run_result())
        self.fake.routes[("PUT", f"{SESSION}/files/{path}")] = put

    def get_route(self, path):
        self.fake.routes[("GET", f"{SESSION}/files/{path}")] = lambda r: r.send(
            200, self.files[path], "application/octet-stream")


class SessionApiTest(FakeServerTest):
    def test_create_sends_the_request_and_waits_until_a_worker_opened_it(self):
        views = iter([session_view("CREATING"), session_view("READY")])
        self.fake.routes[("POST", "/v1/sessions")] = lambda r: r.reply(202, session_view("CREATING"))
        self.fake.routes[("GET", SESSION)] = lambda r: r.reply(200, next(views))

        session = self.client.create_session("data-processing", limits={"memoryMb": 512}, idle_timeout_ms=600000,
                                             env={"MODE": "test"}, files={"in.csv": "a\n"}, idempotency_key="k-7",
                                             timeout=10)

        self.assertEqual((session.id, session.view["state"]), (SID, "READY"))
        create = self.fake.requests[0]
        self.assertEqual(create.json(), {"vmType": "data-processing", "limits": {"memoryMb": 512},
                                         "idleTimeoutMs": 600000, "env": {"MODE": "test"},
                                         "files": {"in.csv": "a\n"}})
        self.assertEqual((create.headers["Idempotency-Key"], create.query["wait"]), ("k-7", "10s"))
        self.assertEqual(len(self.fake.requests), 3)

    def test_a_session_that_could_not_open_is_ended_with_its_reason(self):
        self.fake.routes[("POST", "/v1/sessions")] = lambda r: r.reply(
            202, session_view("EXPIRED", reason="never opened: no worker"))
        with self.assertRaises(kiff.SessionEnded) as caught:
            self.client.create_session("data-processing")
        self.assertEqual(caught.exception.problem["sessionState"], "EXPIRED")
        self.assertIn("never opened", str(caught.exception))

    def test_a_session_still_creating_at_the_timeout_is_deleted(self):
        self.fake.routes[("POST", "/v1/sessions")] = lambda r: r.reply(202, session_view("CREATING"))
        self.fake.routes[("GET", SESSION)] = lambda r: r.reply(200, session_view("CREATING"))
        self.fake.routes[("DELETE", SESSION)] = lambda r: r.reply(200, session_view("DELETED"))
        with self.assertRaises(TimeoutError):
            self.client.create_session("data-processing", timeout=0.3)
        self.assertEqual(self.fake.requests[-1].method, "DELETE")

    def test_the_session_quota_is_a_quota_error(self):
        self.fake.routes[("POST", "/v1/sessions")] = lambda r: r.problem(
            429, "session-quota", "Session quota reached", {"Retry-After": "10"}, quota="maxOpenSessions")
        with self.assertRaises(kiff.QuotaExceeded) as caught:
            self.client.create_session("data-processing")
        self.assertEqual((caught.exception.problem["quota"], caught.exception.retry_after), ("maxOpenSessions", 10))

    def test_a_run_answers_its_value_and_its_plot_which_saves_as_a_png(self):
        display = [{"mimeType": "text/plain", "text": "42", "artifact": None, "bytes": 2},
                   {"mimeType": "image/png", "text": None, "artifact": "display/1.png", "bytes": len(PNG)}]
        FakeSession(self.fake, lambda request: ([("stdout", "hi\n")], {"display": display}))
        session = self.client.session(SID)

        result = session.run("print('hi')\nx = 41\nx + 1")

        self.assertEqual((result["status"], result["stdout"], result.value), ("SUCCEEDED", "hi\n", "42"))
        self.assertEqual([i["artifact"] for i in result.images], ["display/1.png"])
        run = self.fake.requests[-1]
        self.assertEqual(run.json(), {"language": "python", "code": "print('hi')\nx = 41\nx + 1"})
        self.assertEqual(run.query["wait"], "30s")
        with tempfile.TemporaryDirectory() as directory:
            [path] = result.save_images(directory)
            self.assertEqual(os.path.basename(path), f"kiff-{RUN[:8]}-1.png")
            with open(path, "rb") as f:
                self.assertEqual(f.read(), PNG)

    def test_a_run_still_going_when_the_wait_ran_out_is_awaited(self):
        FakeSession(self.fake)
        self.fake.routes[("POST", f"{SESSION}/runs")] = lambda r: r.reply(202, {"id": RUN, "status": "RUNNING"})
        answers = iter([run_result("RUNNING"), run_result("SUCCEEDED", stdout="done\n")])
        self.fake.routes[("GET", f"/v1/jobs/{RUN}")] = lambda r: r.reply(200, next(answers), {"Retry-After": "0"})

        result = self.client.session(SID).run("sleep 40", language="bash", timeout_ms=60000)

        self.assertEqual(result["stdout"], "done\n")
        self.assertEqual(self.fake.requests[1].json(), {"language": "bash", "code": "sleep 40", "timeoutMs": 60000})

    def test_a_busy_session_names_its_run_and_an_ended_one_says_why(self):
        FakeSession(self.fake)
        answers = iter([
            lambda r: r.problem(409, "session-busy", "Session busy", {"Retry-After": "1"}, sessionState="BUSY",
                                currentRun=RUN),
            lambda r: r.problem(410, "session-ended", "Session ended", sessionState="LOST",
                                reason="its worker w1 stopped renewing its lease")])
        self.fake.routes[("POST", f"{SESSION}/runs")] = lambda r: next(answers)(r)
        session = self.client.session(SID)

        with self.assertRaises(kiff.SessionBusy) as busy:
            session.run("x")
        with self.assertRaises(kiff.SessionEnded) as ended:
            session.run("x")

        self.assertIsInstance(busy.exception, kiff.Conflict)
        self.assertEqual((busy.exception.problem["currentRun"], busy.exception.retry_after), (RUN, 1))
        self.assertEqual(ended.exception.problem["sessionState"], "LOST")

    def test_stream_yields_output_as_it_comes_and_resumes_at_the_jobs_events_after_a_drop(self):
        FakeSession(self.fake)
        first_seen = threading.Event()

        @self.fake.route("POST", f"{SESSION}/runs")
        def _(r):
            open_events(r)
            write_event(r, status_event())
            write_event(r, output_event(1, "0\n"))
            first_seen.wait(5)  # the second line only once the client showed the first: live, not at the end
            write_event(r, output_event(2, "1\n"))
            r.handler.wfile.write(b"id: 1.3\nevent: output\ndata: {\"jobId\"")  # then the connection drops

        @self.fake.route("GET", f"/v1/jobs/{RUN}/events")
        def _(r):
            open_events(r)
            write_event(r, output_event(3, "2\n"))
            write_event(r, result_event(run_result(stdout="0\n1\n2\n")))

        session = self.client.session(SID)
        seen = []
        for event in session.stream("for i in range(3): print(i)"):
            seen.append(event)
            if event.event == "output" and event.data["data"] == "0\n":
                self.assertFalse(first_seen.is_set())
                first_seen.set()

        self.assertEqual([e.event for e in seen], ["status", "output", "output", "output", "result"])
        self.assertEqual("".join(e.data["data"] for e in seen if e.event == "output"), "0\n1\n2\n")
        self.assertIsInstance(seen[-1].data, kiff.RunResult)
        self.assertEqual(session.current_run, RUN)
        post, resume = self.fake.requests[1], self.fake.requests[2]
        self.assertEqual(post.headers["Accept"], "text/event-stream")
        self.assertEqual(post.json(), {"language": "python", "code": "for i in range(3): print(i)"})
        self.assertEqual((resume.path, resume.headers["Last-Event-ID"]), (f"/v1/jobs/{RUN}/events", "1.2"))

    def test_files_go_up_come_down_and_are_listed(self):
        fake_session = FakeSession(self.fake)
        fake_session.put_route("data/in.csv")
        fake_session.get_route("data/in.csv")
        session = self.client.session(SID)

        session.upload("data/in.csv", "a,b\n1,2\n")

        self.assertEqual(session.download("data/in.csv"), b"a,b\n1,2\n")
        self.assertEqual(session.files(), [{"path": "data/in.csv", "size": 8}])
        put = self.fake.requests[1]
        self.assertEqual((put.method, put.body, put.headers["Content-Type"]),
                         ("PUT", b"a,b\n1,2\n", "application/octet-stream"))

    def test_a_listing_still_running_is_read_from_its_display(self):
        FakeSession(self.fake)
        self.fake.routes[("GET", f"{SESSION}/files")] = lambda r: r.reply(202, {"id": RUN, "status": "RUNNING"})
        listing = json.dumps({"files": [{"path": "a.txt", "size": 1}]})  # the runner's own wrapping is read too
        self.fake.routes[("GET", f"/v1/jobs/{RUN}")] = lambda r: r.reply(200, run_result(
            display=[{"mimeType": "application/json", "text": listing, "artifact": None, "bytes": len(listing)}]))
        self.assertEqual(self.client.session(SID).files(), [{"path": "a.txt", "size": 1}])

    def test_a_file_the_sandbox_cannot_give_is_an_operation_error(self):
        FakeSession(self.fake)
        self.fake.routes[("GET", f"{SESSION}/files/nope.txt")] = lambda r: r.reply(200, run_result(
            "FAILED", exitCode=1, message="exit code 1", stderr="kiff-runner: no such file: nope.txt\n"))
        with self.assertRaises(kiff.SessionOperationError) as caught:
            self.client.session(SID).download("nope.txt")
        self.assertIn("no such file: nope.txt", str(caught.exception))
        self.assertEqual(caught.exception.result["id"], RUN)

    def test_interrupt_cancels_the_run_and_leaving_the_block_deletes_the_session(self):
        FakeSession(self.fake)
        self.fake.routes[("DELETE", f"{SESSION}/runs/{RUN}")] = lambda r: r.reply(200, run_result("CANCELLED"))

        with self.client.session(SID) as session:
            self.assertEqual(session.interrupt(RUN)["status"], "CANCELLED")
            self.assertEqual(self.fake.requests[-1].method, "DELETE")
            self.assertEqual(self.fake.requests[-1].path, f"{SESSION}/runs/{RUN}")

        self.assertEqual((self.fake.requests[-1].method, self.fake.requests[-1].path), ("DELETE", SESSION))
        self.assertEqual(session.view["state"], "DELETED")

    def test_session_events_end_with_the_session(self):
        FakeSession(self.fake)
        moves = [("1", "session", json.dumps({"state": "CREATING"})), ("2", "session", json.dumps({"state": "READY"})),
                 ("3", "session", json.dumps({"state": "EXPIRED", "reason": "idle for 5m"}))]
        self.fake.routes[("GET", f"{SESSION}/events")] = lambda r: r.send(
            200, "".join(sse(m) for m in moves).encode(), "text/event-stream")
        states = [e.data["state"] for e in self.client.session(SID).events()]
        self.assertEqual(states, ["CREATING", "READY", "EXPIRED"])

    def test_lists_the_tenants_sessions_page_by_page(self):
        @self.fake.route("GET", "/v1/sessions")
        def _(r):
            if r.query.get("cursor"):
                r.reply(200, {"sessions": [session_view("IDLE")], "next": None})
            else:
                r.reply(200, {"sessions": [session_view("READY")], "next": "2026-11-29T21:00:00Z"})

        self.assertEqual([s["state"] for s in self.client.sessions(state="all")], ["READY", "IDLE"])
        self.assertEqual([r.query.get("cursor") for r in self.fake.requests], [None, "2026-11-29T21:00:00Z"])
        self.assertEqual(self.fake.requests[0].query["state"], "all")


class Lines:
    """Input for the REPL: each item is a line, or an exception to raise (KeyboardInterrupt is Ctrl-C); the end
    is EOF. The prompts asked for are kept."""

    def __init__(self, *items):
        self.items = list(items)
        self.prompts = []

    def __call__(self, prompt):
        self.prompts.append(prompt)
        if not self.items:
            raise EOFError
        item = self.items.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item


class ReplTest(FakeServerTest):
    def setUp(self):
        super().setUp()
        self.kernel = FakeSession(self.fake, self.answer)
        self.session = self.client.session(SID)
        self.out, self.err = io.StringIO(), io.StringIO()

    @staticmethod
    def answer(request):
        """A tiny stand-in for the session's interpreter: enough to tell entries apart."""
        code = request["code"]
        if request["language"] == "bash":
            return [("stdout", f"bash: {code}\n")], {}
        if code == "f(21)":
            return [], {"display": [{"mimeType": "text/plain", "text": "42", "artifact": None, "bytes": 2}]}
        if code.startswith("for"):
            return [("stdout", "0\n"), ("stdout", "1\n")], {}
        if code == "1/0":
            return [("stderr", "Traceback (most recent call last):\nZeroDivisionError: division by zero\n")], {
                "status": "FAILED", "exitCode": 1}
        if code == "plot()":
            return [("stdout", "plotting")], {"display": [
                {"mimeType": "image/png", "text": None, "artifact": "display/1.png", "bytes": len(PNG)}]}
        return [], {}

    def repl(self, lines, **options):
        options.setdefault("interactive", False)
        return kiff.Repl(self.session, read=lines, out=self.out, err=self.err, **options)

    def codes(self):
        return [run["code"] for run in self.kernel.runs]

    def test_blocks_continue_until_their_blank_line_and_run_as_one_entry(self):
        lines = Lines("def f(x):", "    return x * 2", "", "f(21)", "for i in range(2):", "    print(i)", "")
        status = self.repl(lines, interactive=True).loop()

        self.assertEqual(status, 0)
        self.assertEqual(self.codes(), ["def f(x):\n    return x * 2\n", "f(21)", "for i in range(2):\n    print(i)\n"])
        self.assertEqual(self.out.getvalue(), "42\n0\n1\n")
        self.assertEqual(lines.prompts, [">>> ", "... ", "... ", ">>> ", ">>> ", "... ", "... ", ">>> "])

    def test_piped_input_has_no_prompts_and_an_unfinished_block_runs_at_eof(self):
        lines = Lines("for i in range(2):", "    print(i)")
        self.repl(lines).loop()
        self.assertEqual(self.codes(), ["for i in range(2):\n    print(i)"])
        self.assertEqual(set(lines.prompts), {""})
        self.assertEqual(self.out.getvalue(), "0\n1\n")

    def test_output_is_shown_as_it_arrives(self):
        shown = threading.Event()

        @self.fake.route("POST", f"{SESSION}/runs")
        def _(r):
            open_events(r)
            write_event(r, output_event(1, "first\n"))
            shown.wait(5)
            write_event(r, output_event(2, "second\n"))
            write_event(r, result_event(run_result(stdout="first\nsecond\n")))

        class Screen(io.StringIO):
            def write(self, text):
                if text == "first\n":
                    shown.set()  # the server sends the rest only now: the first line cannot have waited for it
                return super().write(text)

        self.out = Screen()
        self.repl(Lines("import time")).loop()
        self.assertTrue(shown.is_set())
        self.assertEqual(self.out.getvalue(), "first\nsecond\n")

    def test_a_python_error_shows_its_traceback_and_the_repl_goes_on(self):
        self.assertEqual(self.repl(Lines("1/0", "f(21)")).loop(), 0)
        self.assertIn("ZeroDivisionError", self.err.getvalue())
        self.assertNotIn("[kiff]", self.err.getvalue())
        self.assertEqual(self.out.getvalue(), "42\n")

    def test_a_plot_is_saved_and_its_path_printed(self):
        with tempfile.TemporaryDirectory() as directory:
            self.repl(Lines("plot()"), image_dir=directory).loop()
            path = os.path.join(directory, f"kiff-{RUN[:8]}-1.png")
            with open(path, "rb") as f:
                self.assertEqual(f.read(), PNG)
        # the output lacked its newline: the path still starts a line of its own
        self.assertEqual(self.out.getvalue(), f"plotting\n[image saved: {path}]\n")

    def test_ctrl_c_during_a_run_interrupts_it_and_the_session_keeps_going(self):
        interrupted = threading.Event()

        @self.fake.route("POST", f"{SESSION}/runs")
        def _(r):
            if r.json()["code"] != "import time; time.sleep(60)":
                return FakeSession._run(self.kernel, r)
            open_events(r)
            write_event(r, status_event())
            write_event(r, output_event(1, "sleeping\n"))
            interrupted.wait(5)

        @self.fake.route("DELETE", f"{SESSION}/runs/{RUN}")
        def _(r):
            interrupted.set()
            r.reply(200, run_result("CANCELLED"))

        @self.fake.route("GET", f"/v1/jobs/{RUN}/events")
        def _(r):
            open_events(r)
            write_event(r, output_event(2, "KeyboardInterrupt\n", "stderr"))
            write_event(r, result_event(run_result("CANCELLED", exitCode=130)))

        class CtrlCOnFirstOutput(io.StringIO):
            """Ctrl-C pressed while the run prints: the KeyboardInterrupt comes from wherever the REPL is."""
            def write(self, text):
                if text == "sleeping\n" and not interrupted.is_set():
                    raise KeyboardInterrupt
                return super().write(text)

        self.out = CtrlCOnFirstOutput()
        status = self.repl(Lines("import time; time.sleep(60)", "f(21)")).loop()

        self.assertEqual(status, 0)
        self.assertTrue(interrupted.is_set())
        calls = [(r.method, r.path) for r in self.fake.requests[1:]]
        self.assertEqual(calls, [("POST", f"{SESSION}/runs"), ("DELETE", f"{SESSION}/runs/{RUN}"),
                                 ("GET", f"/v1/jobs/{RUN}/events"), ("POST", f"{SESSION}/runs"),
                                 ("DELETE", SESSION)])
        self.assertEqual(self.fake.requests[3].headers["Last-Event-ID"], "1.1")
        self.assertIn("KeyboardInterrupt: run interrupted, the session keeps its state", self.err.getvalue())
        self.assertIn("KeyboardInterrupt\n", self.err.getvalue())  # the interpreter's own, streamed after
        self.assertEqual(self.out.getvalue(), "42\n")

    def test_ctrl_c_at_the_prompt_clears_the_entry(self):
        self.repl(Lines("def f():", KeyboardInterrupt(), "f(21)"), interactive=True).loop()
        self.assertEqual(self.codes(), ["f(21)"])
        self.assertIn("KeyboardInterrupt", self.err.getvalue())

    def test_eof_closes_the_session_it_created(self):
        self.repl(Lines("x = 1")).loop()
        self.assertEqual((self.fake.requests[-1].method, self.fake.requests[-1].path), ("DELETE", SESSION))
        self.assertIn(f"session {SID} closed", self.err.getvalue())

    def test_exit_closes_too_but_an_attached_or_kept_session_stays_open(self):
        self.repl(Lines("exit()", "never run")).loop()
        self.assertEqual(self.codes(), [])
        self.assertEqual(self.fake.requests[-1].method, "DELETE")
        for options in ({"attached": True}, {"keep": True}):
            with self.subTest(**options):
                self.fake.requests.clear()
                self.repl(Lines("x = 1"), **options).loop()
                self.assertNotIn("DELETE", [r.method for r in self.fake.requests])
                self.assertIn("left open", self.err.getvalue())

    def test_bash_and_file_commands(self):
        self.kernel.put_route("data/in.csv")
        self.kernel.get_route("data/in.csv")
        with tempfile.TemporaryDirectory() as directory:
            local, back = os.path.join(directory, "in.csv"), os.path.join(directory, "back.csv")
            with open(local, "w") as f:
                f.write("a,b\n1,2\n")
            self.repl(Lines("%bash ls -l", f"%put {local} data/in.csv", "%files",
                            f"%get data/in.csv {back}", "%nope")).loop()
            with open(back) as f:
                self.assertEqual(f.read(), "a,b\n1,2\n")
        self.assertEqual(self.kernel.runs, [{"language": "bash", "code": "ls -l"}])
        self.assertEqual(self.out.getvalue(), "bash: ls -l\nuploaded 8 bytes to data/in.csv\n"
                                              "         8  data/in.csv\n" f"saved 8 bytes to {back}\n")
        self.assertIn("unknown command %nope", self.err.getvalue())

    def test_a_session_that_ended_ends_the_repl(self):
        self.fake.routes[("POST", f"{SESSION}/runs")] = lambda r: r.problem(
            410, "session-ended", "Session ended", detail="session LOST: its worker stopped renewing its lease",
            sessionState="LOST")
        self.assertEqual(self.repl(Lines("x = 1", "never run")).loop(), 1)
        self.assertIn("stopped renewing", self.err.getvalue())
        self.assertEqual([r.method for r in self.fake.requests].count("POST"), 1)


class ReplCommandLineTest(FakeServerTest):
    def start(self, *args):
        env = {**os.environ, "KIFF_URL": self.fake.url, "KIFF_API_KEY": API_KEY, "PYTHONDONTWRITEBYTECODE": "1"}
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = directory.name
        return subprocess.Popen([sys.executable, kiff.__file__, "repl", *args], env=env, cwd=self.directory,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def test_piped_entries_run_in_a_new_session_that_eof_closes(self):
        kernel = FakeSession(self.fake, lambda r: ([], {"display": [
            {"mimeType": "text/plain", "text": "2", "artifact": None, "bytes": 1},
            {"mimeType": "image/png", "text": None, "artifact": "display/1.png", "bytes": len(PNG)}]}
            if r["code"] == "x + 1" else {}))
        proc = self.start("--vm-type", "data-processing")
        out, err = proc.communicate("x = 1\nx + 1\n", timeout=30)

        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(out, f"2\n[image saved: ./kiff-{RUN[:8]}-1.png]\n")
        self.assertTrue(os.path.exists(os.path.join(self.directory, f"kiff-{RUN[:8]}-1.png")))
        self.assertEqual(self.fake.requests[0].json(), {"vmType": "data-processing"})
        self.assertEqual([r["code"] for r in kernel.runs], ["x = 1", "x + 1"])
        self.assertEqual((self.fake.requests[-1].method, self.fake.requests[-1].path), ("DELETE", SESSION))

    def test_sigint_during_a_run_deletes_the_run_not_the_session(self):
        kernel = FakeSession(self.fake)
        running, interrupted = threading.Event(), threading.Event()

        @self.fake.route("POST", f"{SESSION}/runs")
        def _(r):
            if r.json()["code"] != "import time; time.sleep(60)":
                return FakeSession._run(kernel, r)
            open_events(r)
            write_event(r, status_event())
            running.set()
            interrupted.wait(10)

        @self.fake.route("DELETE", f"{SESSION}/runs/{RUN}")
        def _(r):
            interrupted.set()
            r.reply(200, run_result("CANCELLED"))

        self.fake.routes[("GET", f"/v1/jobs/{RUN}/events")] = lambda r: r.send(
            200, sse(result_event(run_result("CANCELLED", exitCode=130))).encode(), "text/event-stream")
        proc = self.start("--session", SID)
        self.addCleanup(proc.kill)
        proc.stdin.write("import time; time.sleep(60)\n")
        proc.stdin.flush()
        self.assertTrue(running.wait(20))
        proc.send_signal(signal.SIGINT)
        self.assertTrue(interrupted.wait(20))
        out, err = proc.communicate("x = 1\n", timeout=30)

        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("run interrupted, the session keeps its state", err)
        self.assertEqual([r["code"] for r in kernel.runs], ["x = 1"])
        self.assertNotIn(("DELETE", SESSION), [(r.method, r.path) for r in self.fake.requests])
        self.assertIn(f"session {SID} left open", err)



if __name__ == "__main__":
    unittest.main()
