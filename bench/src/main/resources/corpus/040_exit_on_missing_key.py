import json
import sys

PAYLOAD = '{"id": 17, "user": {"name": "kim", "roles": ["admin", "dev"]}, "active": true}'
REQUIRED = ["id", "user.name", "user.email", "active"]


def lookup(doc, dotted):
    cur = doc
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


doc = json.loads(PAYLOAD)
assert lookup(doc, "user.roles") == ["admin", "dev"]
assert lookup(doc, "id") == 17
assert lookup(doc, "nope.deeper") is None
print("lookup ok")

missing = [k for k in REQUIRED if lookup(doc, k) is None]
if missing:
    sys.stderr.write("missing required fields: " + ", ".join(missing) + "\n")
    sys.exit(3)
print("payload complete")
