"""./kiff chaos: a fault-injection drill against the platform `./kiff dev` runs, from a second terminal.

For each fault, a steady stream of short python jobs runs (a few seconds before the fault, through it, and a settle
phase after the platform was repaired); then the drill stops submitting and waits for every job to end. It prints,
per fault, how many jobs were submitted, how many ended (terminal), how many were lost and how many ran twice, and
the time the platform took to recover.

  submitted   jobs the API accepted: the drill got their id. A submission that got no answer (the API died, the
              broker or the database was away) is sent again with the same Idempotency-Key until it gets one, as a
              client should; it counts once.
  terminal    jobs that reached a terminal status (SUCCEEDED, FAILED, ..., ERROR) before the deadline.
  lost        accepted jobs that were not terminal by the deadline (--deadline seconds after the fault's stream
              stopped), or that the API no longer knows.
  ran twice   jobs whose code ran to its end more than once. Each run of a job prints a begin line with a nonce of
              its own and, as its last act, an end line with the same nonce; the platform keeps every run's output
              apart (GET /v1/jobs/{id}/logs, by attempt). A job counts when end lines of two runs were kept, or when
              its attempt history (the job_attempts table, in the result) shows two runs that ended with an outcome
              of the code (any status but QUEUED, which marks a run the platform gave up). A run killed before its
              end (its worker died, the engine restarted) is a re-run, not a double run: it is listed in the notes.
              What this cannot see: a run that reached its end line but whose worker died before the output was
              shipped, and whose attempt history says it was given up.
  not succeeded  jobs that ended, but not SUCCEEDED: every job's code succeeds, so a fault ended it (a run
              interrupted by the platform should be retried, not failed).
  recover     from the moment the fault was injected until the last job it slowed down ended: a stream job is
              slowed when it did not succeed, or when its latency (first submit try to its end) is more than 1.5
              times the p95 of the second half of the warm-up's jobs, or 2 s over it. 0 s: no job was slowed. The batch's jobs queue
              behind each other by design and do not count here. The notes add when the first job submitted after
              the fault succeeded.

Standard library only; the platform's state (ports, keys, pid files, the infrastructure's control socket) comes from
target/kiff-dev, as ./kiff dev wrote it.
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

FAULTS = ("api", "worker", "broker", "postgres", "docker")
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "OOM_KILLED", "CANCELLED", "ERROR", "REJECTED"}
JOB_CODE = """import secrets, time
nonce = secrets.token_hex(8)
print("chaos-begin " + nonce, flush=True)
time.sleep({seconds})
print("chaos-end " + nonce, flush=True)
"""
END_LINE = re.compile(r"^chaos-end ([0-9a-f]{16})$", re.M)


def log(message: str) -> None:
    print(time.strftime("%H:%M:%S ") + message, flush=True)


def env_file(path: str) -> dict[str, str]:
    values = {}
    with open(path) as lines:
        for line in lines:
            name, eq, value = line.rstrip("\n").partition("=")
            if eq:
                values[name] = value
    return values


def instant(text: str | None) -> float | None:
    return datetime.datetime.fromisoformat(text).timestamp() if text else None


# ------------------------------------------------------------------------------------------------ the platform

class Api:
    """The REST API, with one connection per call: a killed API leaves no half-dead connection behind."""

    def __init__(self, port: int, key: str):
        self.port = port
        self.key = key

    def call(self, method: str, path: str, body=None, headers=None, timeout: float = 10):
        """(status, decoded body or None, headers); OSError when the API cannot be reached."""
        connection = http.client.HTTPConnection("localhost", self.port, timeout=timeout)
        try:
            sent = {"Authorization": "Bearer " + self.key, **(headers or {})}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                sent["Content-Type"] = "application/json"
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            try:
                decoded = json.loads(raw) if raw else None
            except ValueError:
                decoded = None
            return response.status, decoded, response.headers
        except http.client.HTTPException as e:
            raise OSError(str(e)) from e
        finally:
            connection.close()

    def healthy(self) -> bool:
        return healthy(self.port)


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("localhost", port, timeout=3)
        connection.request("GET", "/actuator/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False


def await_true(what: str, check, timeout: float, interval: float = 0.5) -> float:
    """Seconds until check() held; raises after timeout."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)
    return time.monotonic() - start


class Platform:
    """What ./kiff dev left in target/kiff-dev, and the means to break it."""

    def __init__(self, root: str, state: str):
        self.root = root
        self.state = state
        dev = env_file(os.path.join(state, "dev.env"))
        self.api_port = int(dev["KIFF_API_PORT"])
        self.worker_id = dev["KIFF_WORKER_ID"]
        self.keys = env_file(os.path.join(state, "keys.env"))
        self.spares: list[tuple[str, int]] = []

    def pid(self, name: str) -> int | None:
        try:
            pid = int(open(os.path.join(self.state, name + ".pid")).read().strip())
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        except (OSError, ValueError):
            return None
        return pid if re.search(rb"kiff-.*\.jar", cmdline) else None

    def control(self, command: str) -> None:
        """A command to the dev infrastructure (DevInfrastructure's control socket)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(120)
            s.connect(os.path.join(self.state, "infra.sock"))
            s.sendall((command + "\n").encode())
            answer = s.makefile().readline().strip()
        if not answer.startswith("ok"):
            raise RuntimeError(f"infrastructure: {command}: {answer or 'no answer'}")

    def start(self, args: list[str], log_name: str, env: dict[str, str] | None = None) -> None:
        """./kiff <args> in the background, out of this process's session (it outlives the drill), logging to
        target/kiff-dev/<log_name>.log."""
        out = open(os.path.join(self.state, log_name + ".log"), "ab")
        subprocess.Popen([os.path.join(self.root, "kiff"), *args], cwd=self.root, stdin=subprocess.DEVNULL,
                         stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                         start_new_session=True)

    def live_workers(self) -> list[tuple[str, int]]:
        """(name, pid) of every live worker, dev's own first."""
        found = []
        names = sorted(f[:-4] for f in os.listdir(self.state) if f.startswith("worker") and f.endswith(".pid"))
        for name in names:
            pid = self.pid(name)
            if pid:
                found.append((self.worker_id if name == "worker" else name, pid))
        return found

    def sandboxes_of(self, worker: str) -> int:
        out = subprocess.run(["docker", "ps", "-aq", "--filter", "label=dev.kiff.worker=" + worker],
                             capture_output=True, text=True, timeout=30)
        return len(out.stdout.split()) if out.returncode == 0 else -1

    def restart_dockerd(self) -> None:
        """Stops dockerd and starts it again as ./kiff starts it (ensure_docker), or through systemd where it
        runs dockerd."""
        if subprocess.run(["systemctl", "is-active", "--quiet", "docker"], capture_output=True).returncode == 0:
            subprocess.run(["systemctl", "restart", "docker"], check=True)
        else:
            pids = subprocess.run(["pidof", "dockerd"], capture_output=True, text=True).stdout.split()
            if not pids:
                raise RuntimeError("no dockerd runs here")
            for pid in pids:
                os.kill(int(pid), signal.SIGTERM)
            await_true("dockerd to stop", lambda: not subprocess.run(["pidof", "dockerd"],
                                                                       capture_output=True).stdout, 60)
            out = open(os.path.join(self.state, "dockerd.log"), "ab")
            subprocess.Popen(["dockerd"], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
        await_true("dockerd to answer", lambda: subprocess.run(["docker", "info"], capture_output=True)
                   .returncode == 0, 120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------------ the jobs

class Job:
    def __init__(self, fault: str, kind: str, api: Api):
        self.fault = fault
        self.kind = kind  # "stream" or "batch"
        self.api = api  # as its tenant
        self.key = str(uuid.uuid4())
        self.first_try = time.time()
        self.id: str | None = None
        self.result: dict | None = None
        self.gone = False  # the API answered 404 for an accepted id
        self.completed_runs = 0
        self.code_outcomes = 0

    @property
    def terminal(self) -> bool:
        return self.result is not None and self.result.get("status") in TERMINAL

    @property
    def ended_at(self) -> float | None:
        if not self.terminal:
            return None
        return instant((self.result.get("timings") or {}).get("finishedAt")) or self.observed_end

    observed_end: float | None = None

    @property
    def ran_twice(self) -> bool:
        return self.completed_runs > 1 or self.code_outcomes > 1


class Drill:
    def __init__(self, platform: Platform, options):
        self.platform = platform
        self.options = options
        self.jobs: list[Job] = []
        self.lock = threading.Lock()
        self.fault = "warm-up"
        self.streaming = threading.Event()
        self.stopped = threading.Event()
        self.api: Api | None = None
        self.batch_api: Api | None = None
        self.refused: list[str] = []

    # -------------------------------------------------------------------- the stream and the poller

    def stream(self) -> None:
        """Submits one job every 1/rate seconds while streaming is on; a submission without an answer is retried
        with its Idempotency-Key until it has one (the stream waits meanwhile, as one client would)."""
        interval = 1.0 / self.options.jobs_per_second
        next_at = time.monotonic()
        while not self.stopped.is_set():
            if not self.streaming.wait(0.2):
                next_at = time.monotonic()
                continue
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at + interval, time.monotonic() - interval)
            job = Job(self.fault, "stream", self.api)
            request = {"vmType": "code-exec", "language": "python",
                       "code": JOB_CODE.format(seconds=self.options.job_seconds)}
            while not self.stopped.is_set():
                try:
                    status, body, headers = self.api.call("POST", "/v1/jobs", request,
                                                          {"Idempotency-Key": job.key})
                except OSError:
                    time.sleep(0.5)
                    continue
                if status == 202:
                    job.id = body["id"]
                    with self.lock:
                        self.jobs.append(job)
                    break
                if status in (429, 500, 502, 503, 504):
                    time.sleep(min(float(headers.get("Retry-After") or 1), 2))
                    continue
                self.refused.append(f"{status} {body}")
                break

    def poll(self) -> None:
        """Reads the state of every accepted job that has not ended, about once a second."""
        while not self.stopped.is_set():
            with self.lock:
                open_jobs = [j for j in self.jobs if not j.terminal]
            for job in open_jobs:
                try:
                    status, body, _ = job.api.call("GET", "/v1/jobs/" + job.id, timeout=5)
                except OSError:
                    break  # the API is away; try again in a moment
                if status == 200:
                    job.result = body
                    job.gone = False
                    if job.terminal:
                        job.observed_end = time.time()
                elif status == 404:
                    job.gone = True
            time.sleep(1)

    def check_runs(self, job: Job) -> None:
        """How many runs of the job reached their end line, and how many attempts ended with a code outcome."""
        history = job.result.get("attemptHistory") or []
        job.code_outcomes = sum(1 for a in history if a.get("status") not in ("QUEUED", "RUNNING", None))
        for _ in range(30):
            try:
                status, body, _ = job.api.call("GET", f"/v1/jobs/{job.id}/logs?stream=stdout", timeout=10)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            return
        runs: dict[int, str] = {}
        for chunk in body.get("chunks", []):
            runs[chunk["attempt"]] = runs.get(chunk["attempt"], "") + chunk["data"]
        job.completed_runs = len({n for text in runs.values() for n in END_LINE.findall(text)})

    # -------------------------------------------------------------------- the faults

    def inject_api(self, report: dict) -> None:
        batch = [{"stdin": str(i)} for i in range(self.options.batch_size)]
        api = self.batch_api
        status, body, _ = api.call("POST", "/v1/batches", {
            "template": {"vmType": "code-exec", "language": "python", "code": JOB_CODE.format(seconds=0.2)},
            "inputs": batch}, timeout=60)
        if status != 202:
            raise RuntimeError(f"the batch was refused: {status} {body}")
        batch_id = report["batch"] = body["id"]
        accepted = time.time()
        cursor = None
        while True:
            status, page, _ = api.call("GET", f"/v1/batches/{batch_id}/jobs?limit=100"
                                            + (f"&cursor={cursor}" if cursor else ""))
            for item in page["items"]:
                job = Job(self.fault, "batch", api)
                job.first_try = accepted
                job.id = item["id"]
                with self.lock:
                    self.jobs.append(job)
            cursor = page.get("nextCursor")
            if not cursor:
                break
        # Mid-batch: some of its jobs ended, most did not.
        await_true("the batch to get going", lambda: (api.call("GET", "/v1/batches/" + batch_id)[1]
                                                      or {}).get("ended", 0) > 0, 120)
        pid = self.platform.pid("api")
        if not pid:
            raise RuntimeError("no API process to kill (target/kiff-dev/api.pid)")
        progress = api.call("GET", "/v1/batches/" + batch_id)[1]
        report["t"] = time.time()
        os.kill(pid, signal.SIGKILL)
        log(f"  killed the API (pid {pid}, kill -9) with the batch at {progress['ended']}/{progress['size']}")
        await_true("the API to die", lambda: not self.platform.pid("api"), 30)
        time.sleep(2)
        self.platform.start(["api"], "api")
        took = await_true("the API to come back", self.api.healthy, 300)
        report["notes"].append(f"API down {time.time() - report['t']:.0f} s (restart {took:.0f} s)")

    def after_api(self, report: dict) -> None:
        batch_id = report.get("batch")
        if not batch_id:
            return
        try:
            await_true("the batch to complete", lambda: (self.batch_api.call("GET", "/v1/batches/" + batch_id)[1]
                                                         or {}).get("status") == "COMPLETED", 120, 1)
            report["notes"].append(f"batch of {self.options.batch_size} COMPLETED")
        except (RuntimeError, OSError) as e:
            report["notes"].append(f"batch NOT completed ({e})")
            report["broken"] = True

    def prepare_worker(self, report: dict) -> None:
        workers = self.platform.live_workers()
        if not workers:
            raise RuntimeError("no live worker to kill")
        taken = {name for name, _ in workers}
        n = 2
        while f"worker-{n}" in taken or self.platform.pid(f"worker-{n}"):
            n += 1
        spare, port = f"worker-{n}", free_port()
        log(f"  starting a spare worker, {spare} (port {port}), to take over")
        log_file = os.path.join(self.platform.state, spare + ".log")
        before = os.path.getsize(log_file) if os.path.exists(log_file) else 0  # appended to: an older run's lines
        self.platform.start(["worker", str(n)], spare, {"KIFF_WORKER_PORT": str(port), "KIFF_WORKER_ID": spare})
        await_true(f"{spare} to be healthy", lambda: healthy(port), 300)
        # Healthy is not yet in the job group: a worker killed while the spare still joins leaves the spare without
        # partitions until the dead one's session expires. The spare's log says when it has some.
        def has_partitions() -> bool:
            with open(log_file, "rb") as lines:
                lines.seek(before)
                return re.search(rb"job partitions assigned: \[[^\]]", lines.read()) is not None

        try:
            await_true(f"{spare} to get job partitions", has_partitions, 120, 1)
        except RuntimeError:
            report["notes"].append(f"{spare} had no job partitions yet at the kill")
        report["victim"] = workers[0]

    def inject_worker(self, report: dict) -> None:
        name, pid = report["victim"]
        report["t"] = time.time()
        held = self.platform.sandboxes_of(name)
        os.kill(pid, signal.SIGKILL)
        log(f"  killed {name} (pid {pid}, kill -9) for good; it held {held} sandboxes")

        def watch() -> None:
            # Its sandboxes end by themselves (their deadline) or another worker's OrphanSweep removes them.
            try:
                await_true(f"the sandboxes of {name} to go", lambda: self.platform.sandboxes_of(name) == 0,
                           self.options.settle + self.options.deadline, 1)
                report["notes"].append(f"its {held} sandboxes gone {time.time() - report['t']:.0f} s after the kill")
            except RuntimeError:
                report["notes"].append(f"{name}'s sandboxes NOT removed: {self.platform.sandboxes_of(name)} left")
                report["broken"] = True

        report["watch"] = threading.Thread(target=watch, daemon=True)
        report["watch"].start()

    def after_worker(self, report: dict) -> None:
        report["watch"].join()

    def inject_broker(self, report: dict) -> None:
        report["t"] = time.time()
        self.platform.control("stop kafka")
        log("  stopped the broker")
        time.sleep(self.options.broker_down)
        self.platform.control("start kafka")
        report["notes"].append(f"broker down {time.time() - report['t']:.0f} s")
        log("  started the broker again")

    def inject_postgres(self, report: dict) -> None:
        report["t"] = time.time()
        self.platform.control("stop postgres")
        log(f"  stopped PostgreSQL for {self.options.outage} s")
        time.sleep(self.options.outage)
        self.platform.control("start postgres")
        report["notes"].append(f"PostgreSQL down {time.time() - report['t']:.0f} s")
        log("  started PostgreSQL again")

    def inject_docker(self, report: dict) -> None:
        report["t"] = time.time()
        self.platform.restart_dockerd()
        report["notes"].append(f"dockerd back after {time.time() - report['t']:.0f} s")
        log("  restarted dockerd")

    # -------------------------------------------------------------------- one fault, start to end

    def run_fault(self, fault: str) -> dict:
        report = {"fault": fault, "notes": [], "broken": False}
        log(f"fault: {fault}")
        prepare = getattr(self, "prepare_" + fault, None)
        if prepare:
            prepare(report)
        self.fault = fault
        self.streaming.set()
        time.sleep(self.options.before)
        getattr(self, "inject_" + fault)(report)
        time.sleep(self.options.settle)
        self.streaming.clear()
        log(f"  stream stopped; waiting for every job to end (up to {self.options.deadline} s)")
        after = getattr(self, "after_" + fault, None)
        if after:
            after(report)
        mine = lambda: [j for j in self.jobs if j.fault == fault]
        deadline = time.monotonic() + self.options.deadline
        shown = time.monotonic()
        while time.monotonic() < deadline and not all(j.terminal for j in mine()):
            time.sleep(1)
            if time.monotonic() - shown >= 10:
                # A recovery can take minutes (a lease to expire, a broker to come back): say how far it is.
                ended = sum(1 for j in mine() if j.terminal)
                log(f"  {ended}/{len(mine())} jobs ended, {deadline - time.monotonic():.0f} s left")
                shown = time.monotonic()
        jobs = mine()
        for job in jobs:
            if job.terminal:
                self.check_runs(job)
        report.update(self.figures(jobs, report["t"]))
        log(f"  {fault}: {report['submitted']} submitted, {report['terminal']} terminal, {report['lost']} lost, "
            f"{report['ran_twice']} ran twice, recovered in {report['recover']:.1f} s")
        return report

    def figures(self, jobs: list[Job], injected: float) -> dict:
        lost = [j for j in jobs if not j.terminal]
        twice = [j for j in jobs if j.ran_twice]
        statuses: dict[str, int] = {}
        for job in jobs:
            if job.terminal:
                statuses[job.result["status"]] = statuses.get(job.result["status"], 0) + 1
        rerun = sum(1 for j in jobs if j.terminal and j.result.get("attempts", 0) > 1)
        slowed_ends = [j.ended_at or time.time() for j in jobs if j.kind == "stream" and self.slowed(j)]
        notes = [", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))]
        after = [j for j in jobs if j.kind == "stream" and j.first_try >= injected and j.terminal
                 and j.result["status"] == "SUCCEEDED"]
        if after:
            notes.append(f"first job submitted after the fault ended +{min(j.ended_at for j in after) - injected:.0f} s")
        stream = [j for j in jobs if j.kind == "stream" and j.terminal]
        if stream:
            notes.append(f"slowest stream job {max(j.ended_at - j.first_try for j in stream):.0f} s "
                         f"(slowed above {self.threshold():.1f} s)")
        if rerun:
            notes.append(f"{rerun} re-run after an interrupted run")
        blind = sum(1 for j in jobs if j.terminal and j.result["status"] == "SUCCEEDED" and not j.completed_runs)
        if blind:
            notes.append(f"{blind} SUCCEEDED without an end line in their kept output (twice-run check by attempt "
                         "history only)")
        for job in lost[:5]:
            state = "unknown to the API" if job.gone else (job.result or {}).get("status", "no answer")
            notes.append(f"lost {job.id} ({state})")
        for job in twice[:5]:
            notes.append(f"twice {job.id} ({job.completed_runs} runs ended, {job.code_outcomes} outcomes)")
        failed = [j for j in jobs if j.terminal and j.result["status"] != "SUCCEEDED"]
        for job in failed[:3]:
            notes.append(f"{job.result['status']} {job.id}: {job.result.get('message')}")
        return {"submitted": len(jobs), "terminal": len(jobs) - len(lost), "lost": len(lost), "failed": len(failed),
                "ran_twice": len(twice), "recover": max((e - injected for e in slowed_ends), default=0.0),
                "statuses": statuses, "notes_jobs": notes}

    def slowed(self, job: Job) -> bool:
        if not job.terminal or job.result["status"] != "SUCCEEDED":
            return True
        return job.ended_at - job.first_try > self.threshold()

    def threshold(self) -> float:
        return max(1.5 * self.baseline, self.baseline + 2)

    baseline = 0.0

    # -------------------------------------------------------------------- the whole drill

    def run(self) -> int:
        admin = Api(self.platform.api_port, self.platform.keys["ADMIN_KEY"])
        if not admin.healthy():
            log(f"the API does not answer on port {self.platform.api_port}: is ./kiff dev running?")
            return 2
        # Two tenants: the batch's jobs queue behind each other, and fair dispatch keeps them from queueing the
        # stream's jobs too, whose latency measures the platform's recovery.
        apis = []
        for role in ("stream", "batch"):
            name = f"chaos-{secrets.token_hex(4)}-{role}"
            status, tenant, _ = admin.call("POST", "/v1/admin/tenants", {"name": name, "quotas": None})
            if status != 201 and status != 200:
                log(f"could not make the drill's tenant: {status} {tenant}")
                return 2
            apis.append(Api(self.platform.api_port, tenant["apiKey"]))
        self.api, self.batch_api = apis
        log(f"tenants {name[:-6]}-stream and -batch; {self.options.jobs_per_second} jobs/s of "
            f"{self.options.job_seconds} s each; faults: {', '.join(self.options.faults)}")
        threads = [threading.Thread(target=self.stream, daemon=True), threading.Thread(target=self.poll, daemon=True)]
        for thread in threads:
            thread.start()
        log(f"warm-up: {self.options.warm_up} s of jobs to measure normal latency")
        self.streaming.set()
        time.sleep(self.options.warm_up)
        self.streaming.clear()
        warm = [j for j in self.jobs if j.fault == "warm-up"]
        try:
            await_true("the warm-up jobs to end", lambda: all(j.terminal for j in warm), self.options.deadline)
        except RuntimeError as e:
            log(f"{e}: the platform is not healthy; not injecting anything")
            return 2
        # The second half only: the first jobs of a platform just started wait for its pools to fill.
        latencies = sorted(j.ended_at - j.first_try for j in warm[len(warm) // 2:]
                           if j.result["status"] == "SUCCEEDED")
        if not latencies:
            log("no warm-up job succeeded: the platform is not healthy; not injecting anything")
            return 2
        self.baseline = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        log(f"  normal latency: p95 {self.baseline:.1f} s over {len(latencies)} jobs")
        reports = []
        for fault in self.options.faults:
            try:
                reports.append(self.run_fault(fault))
            except (RuntimeError, OSError) as e:
                self.streaming.clear()
                log(f"  {fault}: the drill could not go on: {e}")
                jobs = [j for j in self.jobs if j.fault == fault]
                report = {"fault": fault, "notes": [f"DRILL FAILED: {e}"], "broken": True,
                          **self.figures(jobs, time.time())}
                reports.append(report)
        self.stopped.set()
        return self.table(reports)

    def table(self, reports: list[dict]) -> int:
        header = ("fault", "submitted", "terminal", "lost", "ran twice", "not succeeded", "recover", "notes")
        rows = [(r["fault"], str(r["submitted"]), str(r["terminal"]), str(r["lost"]), str(r["ran_twice"]),
                 str(r["failed"]), f"{r['recover']:.1f} s", "; ".join(r["notes"] + r["notes_jobs"]))
                for r in reports]
        columns = len(header) - 1
        widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(columns)]
        print()
        print(" | ".join(h.ljust(widths[i]) if i < columns else h for i, h in enumerate(header)))
        print("-+-".join("-" * w for w in widths) + "-+-------")
        for row in rows:
            print(" | ".join(c.ljust(widths[i]) if i < columns else c for i, c in enumerate(row)))
        print()
        if self.refused:
            print(f"{len(self.refused)} submissions refused outright, e.g. {self.refused[0]}")
        bad = sum(r["lost"] + r["ran_twice"] for r in reports) or any(r["broken"] for r in reports)
        failed = sum(r["failed"] for r in reports)
        if bad:
            print("FAILED: jobs were lost or ran twice, or a fault was not recovered from")
        elif failed:
            print(f"FAILED: none lost, none ran twice, but {failed} jobs whose code succeeds did not succeed: a fault of "
                  "the platform ended them instead of retrying them")
        else:
            print("every job ended and succeeded, none was lost, none ran twice")
        return 1 if bad or failed else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./kiff chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--state", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--faults", default=",".join(FAULTS),
                        help="comma-separated, run in this order (default: %(default)s)")
    parser.add_argument("--jobs-per-second", type=float, default=2.0)
    parser.add_argument("--job-seconds", type=float, default=2.0, help="how long each stream job runs")
    parser.add_argument("--batch-size", type=int, default=80, help="the batch the API is killed under")
    parser.add_argument("--warm-up", type=float, default=15, help="seconds of jobs before any fault")
    parser.add_argument("--before", type=float, default=5, help="seconds of jobs before each fault")
    parser.add_argument("--settle", type=float, default=30, help="seconds of jobs after each fault was repaired")
    parser.add_argument("--outage", type=float, default=20, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--broker-down", type=float, default=5, help="seconds the broker stays stopped")
    parser.add_argument("--deadline", type=float, default=240,
                        help="seconds after a fault's stream stopped by which every job must have ended")
    options = parser.parse_args(argv)
    options.faults = [f.strip() for f in options.faults.split(",") if f.strip()]
    unknown = [f for f in options.faults if f not in FAULTS]
    if unknown:
        parser.error(f"unknown faults {unknown}; choose from {', '.join(FAULTS)}")
    try:
        return Drill(Platform(options.root, options.state), options).run()
    except KeyboardInterrupt:
        # A fault half-done stays so: the API or the broker may be down; ./kiff api, or a restart of ./kiff dev.
        log("interrupted; check the platform: an app or server the drill stopped may still be down")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
