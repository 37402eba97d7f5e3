import statistics

READINGS = {
    "mon": [12.1, 14.3, 15.0, 13.2],
    "tue": [10.0, 11.5, 12.5, 12.0],
    "wed": [16.2, 18.9, 19.4, 17.1],
}


def daily_summary(readings):
    out = {}
    for day, vals in readings.items():
        out[day] = {
            "min": min(vals),
            "max": max(vals),
            "mean": round(statistics.mean(vals), 2),
        }
    return out


s = daily_summary(READINGS)
assert s["mon"] == {"min": 12.1, "max": 15.0, "mean": 13.65}
assert s["tue"]["mean"] == 11.5
assert s["wed"]["max"] == 19.4
hottest = max(s, key=lambda d: s[d]["mean"])
assert hottest == "wed"
for day in s:
    print(day, s[day])
print("hottest day:", hottest)
