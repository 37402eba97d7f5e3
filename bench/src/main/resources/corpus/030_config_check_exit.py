import sys

CONFIG = {
    "name": "worker-pool",
    "max_workers": 16,
    "queue_size": 0,
    "timeout_s": 30,
}

RULES = {
    "max_workers": lambda v: 1 <= v <= 64,
    "queue_size": lambda v: v > 0,
    "timeout_s": lambda v: 0 < v <= 300,
}


def validate(cfg):
    errors = []
    for key, rule in RULES.items():
        if key not in cfg:
            errors.append(f"missing {key}")
        elif not rule(cfg[key]):
            errors.append(f"invalid {key}={cfg[key]!r}")
    return errors


errors = validate(CONFIG)
for e in errors:
    print("config error:", e, file=sys.stderr)
if errors:
    print(f"{len(errors)} config error(s)")
    sys.exit(2)
print("config valid")
