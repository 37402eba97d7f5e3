#!/usr/bin/env python3
"""Smoke test of the compose deployment (docker-compose.yml), run by `./kiff compose test` once the stack is up.

Through the API as the development tenant, with the Python client (core/client/python/kiff.py):
  1. one job of every VM type in the catalogue, in each of its languages, must succeed and print what it was given;
  2. a batch (a template and --batch-size inputs) must complete with every job succeeded;
  3. jobs of ml-agent with an input file, leaving an artifact and calling the ML binding through the gateway
     (`./kiff compose test` points it at the API's /v1/openapi.json: no service outside the stack) must succeed
     on every worker: the worker in its container maps the directories it shares with its sandboxes right;
  4. a worker killed: with both workers holding job partitions, --kill-jobs jobs that each run a few seconds are
     submitted; once one runs, the worker running it is killed (docker kill, SIGKILL, its restart policy turned
     off first so that it stays dead); every job must then succeed, and each that was running on the dead worker
     must have finished on the other.
Prints each step's figures and a summary line per step; exits 1 when a step failed. Python standard library only.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
                                "core", "client", "python"))
import kiff  # noqa: E402  (the repository's own client, by path)

# What each VM type's image runs, per language: the code, and what its stdout must hold.
PROGRAMS = {
    "python": ("import sys, platform; print('kiff-smoke', sys.stdin.read().strip(), platform.python_version())",
               "kiff-smoke {tag}"),
    "node": ("let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log('kiff-smoke', s.trim(), process.version))",
             "kiff-smoke {tag}"),
    "bash": ('read -r tag; echo "kiff-smoke $tag $BASH_VERSION"', "kiff-smoke {tag}"),
}
CATALOGUE = os.path.join("core", "jobs", "src", "main", "resources", "dev", "kiff", "core", "kiff-catalogue.yml")


def log(message: str) -> None:
    print(f"compose test: {message}", flush=True)


def catalogue(root: str) -> dict[str, list[str]]:
    """VM type -> languages, read from the catalogue every service ships (a YAML subset: no parser needed)."""
    types: dict[str, list[str]] = {}
    current = None
    with open(os.path.join(root, CATALOGUE)) as lines:
        for line in lines:
            name = re.match(r"^  ([a-z][a-z0-9-]*):\s*$", line)
            if name:
                current = name.group(1)
                continue
            languages = re.match(r"^\s+languages:\s*\[([^\]]*)\]", line)
            if languages and current:
                types[current] = [language.strip() for language in languages.group(1).split(",")]
    if not types:
        raise RuntimeError(f"no VM types found in {CATALOGUE}")
    return types


def await_true(what: str, check, timeout: float, interval: float = 1.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True, timeout=60).stdout


class Stack:
    """The compose project's containers, found by compose's own labels (works for docker-compose 1.29 and v2)."""

    def __init__(self, project: str):
        self.project = project

    def container(self, service: str) -> str:
        ids = docker("ps", "-q", "--filter", f"label=com.docker.compose.project={self.project}",
                     "--filter", f"label=com.docker.compose.service={service}").split()
        if not ids:
            raise RuntimeError(f"no running container for service {service}")
        return ids[0]

    def logs(self, service: str) -> str:
        out = subprocess.run(["docker", "logs", self.container(service)], capture_output=True, text=True,
                             timeout=60)
        return out.stdout + out.stderr

    def has_job_partitions(self, service: str) -> bool:
        # The worker's own line when the job group gives it partitions; an empty list does not count. The group
        # rebalances cooperatively (a line lists only what was added), so any non-empty line since start counts.
        return re.search(r"job partitions assigned: \[[^\]]", self.logs(service)) is not None


def step_vm_types(client: kiff.Client, root: str, timeout: float) -> dict:
    types = catalogue(root)
    submitted = []
    for vm_type, languages in types.items():
        for language in languages:
            code, expected = PROGRAMS[language]
            tag = f"{vm_type}/{language}"
            answer = client.submit(code, language=language, vm_type=vm_type, stdin=tag + "\n")
            submitted.append((tag, answer["id"], expected.format(tag=tag), time.monotonic()))
    failures, figures = [], []
    for tag, job_id, expected, started in submitted:
        result = client.wait(job_id, timeout=timeout)
        ok = result["status"] == "SUCCEEDED" and expected in (result.get("stdout") or "")
        timings = result.get("timings") or {}
        figures.append(f"{tag}: {result['status']} on {result.get('workerId')} "
                       f"(run {timings.get('runTimeMs', '?')} ms, attempts {result.get('attempts')})")
        if not ok:
            failures.append(f"{tag}: {result['status']} stdout={result.get('stdout')!r} "
                            f"stderr={(result.get('stderr') or '')[-300:]!r} message={result.get('message')!r}")
    for line in figures:
        log("  " + line)
    return {"jobs": len(submitted), "types": len(types), "failures": failures}


def step_batch(client: kiff.Client, size: int, timeout: float) -> dict:
    started = time.monotonic()
    answer = client.submit_batch(template={"vmType": "code-exec", "language": "python",
                                           "code": "print(int(input()) ** 2)"},
                                 inputs=[{"stdin": f"{i}\n"} for i in range(size)])
    batch = client.wait_batch(answer["id"], timeout=timeout)
    elapsed = time.monotonic() - started
    failures = []
    results = list(client.batch_jobs(answer["id"]))
    for index, result in enumerate(results):
        if result["status"] != "SUCCEEDED" or (result.get("stdout") or "").strip() != str(index * index):
            failures.append(f"batch job {index}: {result['status']} stdout={result.get('stdout')!r}")
    if len(results) != size:
        failures.append(f"the batch lists {len(results)} jobs, not {size}")
    workers = sorted({str(result.get("workerId")) for result in results})
    log(f"  batch of {size}: {batch.get('status')} in {elapsed:.1f} s, counts {batch.get('counts')}, "
        f"run by {', '.join(workers)}")
    return {"jobs": size, "seconds": round(elapsed, 1), "failures": failures}


# Reads its input file, leaves an artifact in /out, and calls the ML binding through the gateway: each crosses a
# directory the worker shares with its sandbox (inputs, artifacts, the gateway's socket), which the host's engine
# must find at the same path as the worker in its container does.
GATEWAY_PROGRAM = """
import os, urllib.error, urllib.request
text = open("data/in.txt").read().strip()
open("/out/echo.txt", "w").write(text.upper())
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    status = opener.open(os.environ["KIFF_ML_URL"] + "/v1/openapi.json", timeout=20).status
except urllib.error.HTTPError as e:
    status = e.code
print("read", text, "gateway", status)
"""


def step_inputs_and_gateway(client: kiff.Client, workers: dict[str, str], jobs: int, timeout: float) -> dict:
    ids = [(client.submit(GATEWAY_PROGRAM, vm_type="ml-agent", files={"data/in.txt": f"input {i}\n"})["id"], i)
           for i in range(jobs)]
    failures, seen = [], {}
    for job_id, i in ids:
        result = client.wait(job_id, timeout=timeout)
        worker = str(result.get("workerId"))
        stdout = (result.get("stdout") or "").strip()
        seen[worker] = seen.get(worker, 0) + 1
        if result["status"] != "SUCCEEDED" or not stdout.startswith(f"read input {i} gateway "):
            failures.append(f"job {job_id} on {worker}: {result['status']} stdout={stdout!r} "
                            f"stderr={(result.get('stderr') or '')[-300:]!r}")
            continue
        if stdout.split()[-1] != "200":
            failures.append(f"job {job_id} on {worker}: the gateway answered {stdout.split()[-1]}, not 200")
        artifact = client.artifact(job_id, "echo.txt").decode()
        if artifact != f"INPUT {i}":
            failures.append(f"job {job_id} on {worker}: artifact echo.txt holds {artifact!r}")
    if not set(workers.values()) <= set(seen):
        # Every worker must have shown its directories work, or a mapping broken on one would pass unseen.
        failures.append(f"the jobs ran only on {sorted(seen)}, not on every worker")
    log(f"  {jobs} jobs with an input file, an artifact and a gateway call: ran on {seen}")
    return {"jobs": jobs, "workers": seen, "failures": failures}


def step_worker_killed(client: kiff.Client, stack: Stack, workers: dict[str, str], jobs: int, seconds: float,
                       timeout: float) -> dict:
    # Both workers must be in the job group first: a worker killed while the other still joins leaves the jobs
    # waiting for the dead one's session to expire AND the rebalance, which proves less.
    for service in workers:
        waited = await_true(f"{service} to hold job partitions", lambda s=service: stack.has_job_partitions(s), 180)
        log(f"  {service} holds job partitions ({waited:.0f} s)")
    code = f"import time; time.sleep({seconds}); print('slept', input())"
    ids = [client.submit(code, vm_type="code-exec", stdin=f"{i}\n")["id"] for i in range(jobs)]

    running: dict[str, str] = {}

    def one_running() -> bool:
        for job_id in ids:
            result = client.get(job_id)
            if result["status"] == "RUNNING" and result.get("workerId") in workers.values():
                running[job_id] = result["workerId"]
        return bool(running)

    await_true("a job to run", one_running, timeout, 0.3)
    victim_id = next(iter(running.values()))
    victim = next(service for service, worker_id in workers.items() if worker_id == victim_id)
    survivor_id = next(worker_id for worker_id in workers.values() if worker_id != victim_id)
    container = stack.container(victim)
    # Turn off the restart policy first: killed for good, as a host that dies.
    docker("update", "--restart=no", container)
    killed_at, killed_wall = time.monotonic(), time.time()
    docker("kill", "--signal", "KILL", container)
    on_victim = sorted(job_id for job_id, worker_id in running.items() if worker_id == victim_id)
    log(f"  killed {victim} ({victim_id}, docker kill -s KILL) with {len(on_victim)} of {jobs} jobs seen running on it")

    results = {}
    for job_id in ids:
        results[job_id] = client.wait(job_id, timeout=timeout)
    recovered = time.monotonic() - killed_at
    failures = []
    moved = 0
    for job_id, result in results.items():
        if result["status"] != "SUCCEEDED":
            failures.append(f"job {job_id}: {result['status']} {result.get('message')!r}")
        elif job_id in on_victim:
            if result.get("workerId") == survivor_id:
                moved += 1
            elif finished_at(result) > killed_wall:
                # Seen running on it a moment before the kill, it may have ended there before the kill: not after.
                failures.append(f"job {job_id} was running on {victim_id} and ended on {result.get('workerId')} "
                                f"after the kill")
    if not moved:
        failures.append("no job of the killed worker finished on the other")
    by_worker: dict[str, int] = {}
    for result in results.values():
        by_worker[str(result.get("workerId"))] = by_worker.get(str(result.get("workerId")), 0) + 1
    attempts = sum(result.get("attempts") or 0 for result in results.values())
    log(f"  all {jobs} jobs terminal {recovered:.1f} s after the kill; ended on {by_worker}; "
        f"{moved} of {len(on_victim)} jobs of the killed worker finished on {survivor_id}; {attempts} attempts in all")
    return {"jobs": jobs, "victim": victim_id, "moved": moved, "seconds": round(recovered, 1), "failures": failures}


def finished_at(result: dict) -> float:
    text = ((result.get("timings") or {}).get("finishedAt") or "").replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(text).timestamp() if text else float("inf")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./kiff compose test", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the API's address")
    parser.add_argument("--key", default=os.environ.get("KIFF_API_KEY"), help="the development tenant's API key "
                        "(default: $KIFF_API_KEY)")
    parser.add_argument("--root", default=".", help="the repository (for the VM type catalogue)")
    parser.add_argument("--project", default="kiff", help="the compose project name")
    parser.add_argument("--workers", default="worker-1=compose-worker-1,worker-2=compose-worker-2",
                        help="the worker services and their KIFF_WORKER_ID, service=id,...")
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--gateway-jobs", type=int, default=8, help="jobs with an input file, an artifact and a "
                        "gateway call, enough to reach every worker")
    parser.add_argument("--kill-jobs", type=int, default=8, help="jobs in flight when a worker is killed")
    parser.add_argument("--job-seconds", type=float, default=6, help="how long each of those jobs runs")
    parser.add_argument("--timeout", type=float, default=300, help="longest wait for one job or the batch, seconds")
    options = parser.parse_args(argv)
    if not options.key:
        parser.error("--key or $KIFF_API_KEY is required")
    client = kiff.Client(options.url, options.key)
    stack = Stack(options.project)
    workers = dict(pair.split("=", 1) for pair in options.workers.split(","))

    steps = [
        ("every VM type and language", lambda: step_vm_types(client, options.root, options.timeout)),
        ("a batch", lambda: step_batch(client, options.batch_size, options.timeout)),
        ("inputs, artifacts and the gateway", lambda: step_inputs_and_gateway(client, workers, options.gateway_jobs,
                                                                               options.timeout)),
        ("a worker killed", lambda: step_worker_killed(client, stack, workers, options.kill_jobs,
                                                         options.job_seconds, options.timeout)),
    ]
    summary = []
    for name, run in steps:
        log(name)
        started = time.monotonic()
        try:
            report = run()
        except Exception as e:  # a step that could not run at all is a failure of that step, and the others go on
            report = {"failures": [f"{type(e).__name__}: {e}"]}
        report["elapsed"] = round(time.monotonic() - started, 1)
        for failure in report["failures"]:
            log("  FAILED " + failure)
        summary.append((name, report))
    print(json.dumps({name: report for name, report in summary}, indent=2), flush=True)
    failed = [name for name, report in summary if report["failures"]]
    log("PASSED" if not failed else "FAILED: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
