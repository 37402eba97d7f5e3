def median(values):
    s = sorted(values)
    n = len(s)
    mid = n // 2
    if n % 2:
        return s[mid]
    return (s[mid - 1] + s[mid]) // 2


assert median([3, 1, 2]) == 2
print("odd ok")
assert median([4, 1, 3, 2]) == 2.5, median([4, 1, 3, 2])
print("even ok")
assert median([7]) == 7
print("single ok")
