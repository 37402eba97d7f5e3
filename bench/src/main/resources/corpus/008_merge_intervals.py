def merge_intervals(intervals):
    """Merge overlapping closed intervals."""
    if not intervals:
        return []
    ordered = sorted(intervals, key=lambda iv: iv[1])
    merged = [list(ordered[0])]
    for start, end in ordered[1:]:
        last = merged[-1]
        if start <= last[1]:
            last[1] = max(last[1], end)
        else:
            merged.append([start, end])
    return [tuple(iv) for iv in merged]


assert merge_intervals([]) == []
print("empty ok")
assert merge_intervals([(1, 3), (2, 6), (8, 10), (15, 18)]) == [(1, 6), (8, 10), (15, 18)]
print("basic ok")
assert merge_intervals([(1, 4), (4, 5)]) == [(1, 5)]
print("touching ok")
result = merge_intervals([(2, 3), (4, 5), (6, 7), (8, 9), (1, 10)])
assert result == [(1, 10)], result
print("enclosing ok")
