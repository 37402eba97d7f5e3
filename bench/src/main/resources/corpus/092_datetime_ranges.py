from datetime import datetime, timedelta


def overlap_minutes(a_start, a_end, b_start, b_end):
    start = max(a_start, b_start)
    end = min(a_end, b_end)
    return max(0, int((end - start).total_seconds() // 60))


def slots(day_start, day_end, length_min):
    out = []
    t = day_start
    while t + timedelta(minutes=length_min) <= day_end:
        out.append(t.strftime("%H:%M"))
        t += timedelta(minutes=length_min)
    return out


d = datetime(2024, 6, 3)
a = (d.replace(hour=9), d.replace(hour=11))
b = (d.replace(hour=10, minute=30), d.replace(hour=12))
assert overlap_minutes(*a, *b) == 30
assert overlap_minutes(*a, d.replace(hour=11), d.replace(hour=12)) == 0
assert overlap_minutes(*a, d.replace(hour=13), d.replace(hour=14)) == 0
s = slots(d.replace(hour=9), d.replace(hour=11, minute=15), 30)
print("slots:", s)
assert s == ["09:00", "09:30", "10:00", "10:30"]
print("datetime ranges ok")
