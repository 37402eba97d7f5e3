def is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year, month):
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


assert is_leap(2000)
assert not is_leap(1900)
assert is_leap(2024)
assert not is_leap(2023)
print("is_leap ok")

assert days_in_month(2024, 2) == 29
assert days_in_month(2023, 2) == 28
assert days_in_month(2023, 4) == 30
assert days_in_month(2023, 12) == 31
assert sum(days_in_month(2024, m) for m in range(1, 13)) == 366
assert sum(days_in_month(2023, m) for m in range(1, 13)) == 365
print("days_in_month ok")
leaps = [y for y in range(1890, 1915) if is_leap(y)]
assert leaps == [1892, 1896, 1904, 1908, 1912]
print("leap years 1890-1914:", leaps)
