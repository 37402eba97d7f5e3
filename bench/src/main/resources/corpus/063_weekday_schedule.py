from datetime import date, timedelta


def next_weekday(d, weekday):
    """Next date strictly after d that falls on `weekday` (0=Mon)."""
    days_ahead = (weekday - d.weekday()) % 7
    if days_ahead == 0:
        days_ahead = 7
    return d + timedelta(days=days_ahead)


def meetings(start, weekday, count):
    out = []
    d = start
    for _ in range(count):
        d = next_weekday(d, weekday)
        out.append(d)
    return out


# 2024-05-15 is a Wednesday
assert next_weekday(date(2024, 5, 15), 4) == date(2024, 5, 17)
assert next_weekday(date(2024, 5, 15), 2) == date(2024, 5, 22)
assert next_weekday(date(2024, 5, 15), 0) == date(2024, 5, 20)
m = meetings(date(2024, 12, 20), 0, 3)
assert m == [date(2024, 12, 23), date(2024, 12, 30), date(2025, 1, 6)]
for d in m:
    print(d.isoformat(), d.strftime("%A"))
print("schedule ok")
