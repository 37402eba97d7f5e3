import json
from datetime import date, datetime


class DateEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        return super().default(o)


def decode_dates(obj):
    for k, v in obj.items():
        if isinstance(v, str) and k.endswith("_on"):
            obj[k] = date.fromisoformat(v)
    return obj


record = {"id": 7, "created_on": date(2023, 11, 5), "due_on": date(2024, 2, 29), "tags": {"a", "b"}}
text = json.dumps(record, cls=DateEncoder, sort_keys=True)
print(text)
back = json.loads(text, object_hook=decode_dates)
assert back == record
print("round trip ok")
