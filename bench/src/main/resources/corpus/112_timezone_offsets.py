from datetime import datetime, timedelta, timezone

UTC = timezone.utc
TOKYO = timezone(timedelta(hours=9), "JST")
NEW_YORK_WINTER = timezone(timedelta(hours=-5), "EST")


def to_local(ts_utc, tz):
    return ts_utc.astimezone(tz)


meeting = datetime(2024, 1, 15, 23, 30, tzinfo=UTC)
tokyo = to_local(meeting, TOKYO)
ny = to_local(meeting, NEW_YORK_WINTER)
print("tokyo:", tokyo.isoformat())
print("new york:", ny.isoformat())
assert tokyo.date().isoformat() == "2024-01-16"
assert tokyo.hour == 8 and tokyo.minute == 30
assert ny.hour == 18
assert tokyo == ny == meeting
naive = datetime(2024, 1, 15, 23, 30)
assert (naive - meeting).total_seconds() == 0
print("timezone math ok")
