from datetime import date, timedelta


def days_between(a, b):
    return abs((b - a).days)


def add_business_days(start, n):
    current = start
    added = 0
    while added < n:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


assert days_between(date(2024, 1, 1), date(2024, 12, 31)) == 365
assert days_between(date(2023, 3, 1), date(2023, 2, 1)) == 28
assert days_between(date(2000, 2, 28), date(2000, 3, 1)) == 2
print("days_between ok")

# 2024-03-08 is a Friday
assert add_business_days(date(2024, 3, 8), 1) == date(2024, 3, 11)
assert add_business_days(date(2024, 3, 8), 5) == date(2024, 3, 15)
assert add_business_days(date(2024, 3, 4), 0) == date(2024, 3, 4)
print("add_business_days ok")
