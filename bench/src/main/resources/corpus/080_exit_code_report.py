import sys

RESULTS = {
    "lint": "ok",
    "unit": "ok",
    "integration": "failed",
    "docs": "skipped",
}

SEVERITY = {"ok": 0, "skipped": 0, "failed": 5}


def overall_status(results):
    return max((SEVERITY[v] for v in results.values()), default=0)


assert overall_status({}) == 0
assert overall_status({"a": "ok", "b": "skipped"}) == 0
for stage, status in RESULTS.items():
    print(f"{stage:<12}{status}")
code = overall_status(RESULTS)
if code:
    print(f"pipeline failed with code {code}", file=sys.stderr)
sys.exit(code)
