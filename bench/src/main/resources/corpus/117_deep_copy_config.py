import copy

BASE = {"retries": 3, "endpoints": ["a.internal", "b.internal"], "limits": {"cpu": 2}}


def with_overrides(base, **overrides):
    cfg = copy.copy(base)
    for key, value in overrides.items():
        if key == "extra_endpoint":
            cfg["endpoints"].append(value)
        elif key.startswith("limit_"):
            cfg["limits"][key[len("limit_"):]] = value
        else:
            cfg[key] = value
    return cfg


staging = with_overrides(BASE, retries=5, extra_endpoint="c.internal", limit_cpu=4)
assert staging["retries"] == 5
assert staging["endpoints"][-1] == "c.internal"
assert staging["limits"]["cpu"] == 4
print("staging:", staging)
assert BASE["endpoints"] == ["a.internal", "b.internal"], f"base mutated: {BASE['endpoints']}"
assert BASE["limits"]["cpu"] == 2
print("base untouched")
