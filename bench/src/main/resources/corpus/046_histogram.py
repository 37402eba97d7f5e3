def histogram(values, bins, lo, hi):
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        if v < lo or v > hi:
            continue
        idx = int((v - lo) / width)
        counts[idx] += 1
    return counts


data = [0.5, 1.5, 1.7, 2.2, 3.9, 4.0, 4.5, 9.9, -1, 12]
h = histogram(data, 5, 0, 10)
for i, c in enumerate(h):
    print(f"[{i * 2:>2}-{i * 2 + 2:>2}) {'#' * c}")
assert h == [3, 2, 2, 0, 1], h
assert histogram([], 3, 0, 3) == [0, 0, 0]
assert histogram([10], 5, 0, 10) == [0, 0, 0, 0, 1]
print("histogram ok")
