import re

LINE_RE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) "
    r"\[(?P<level>[A-Z]+)\] (?P<logger>[\w.]+): (?P<msg>.*)$"
)

LOG = """\
2024-02-01 10:00:01 [INFO] app.server: started on port 8080
2024-02-01 10:00:05 [WARN] app.db: slow query (1200 ms)
2024-02-01 10:01:00 [ERROR] app.worker: job 42 failed: timeout
garbage line
2024-02-01 10:02:30 [INFO] app.worker: job 43 done
"""


def parse(log):
    entries, bad = [], 0
    for line in log.splitlines():
        m = LINE_RE.match(line)
        if m:
            entries.append(m.groupdict())
        else:
            bad += 1
    return entries, bad


entries, bad = parse(LOG)
assert len(entries) == 4 and bad == 1
assert entries[1]["level"] == "WARN"
assert entries[2]["msg"] == "job 42 failed: timeout"
errors = [e["logger"] for e in entries if e["level"] == "ERROR"]
assert errors == ["app.worker"]
job_ids = [int(x) for e in entries for x in re.findall(r"job (\d+)", e["msg"])]
assert job_ids == [42, 43]
print("parsed", len(entries), "entries,", bad, "bad line(s)")
