from collections import deque


def moving_average(values, window):
    buf = deque()
    total = 0
    out = []
    for v in values:
        buf.append(v)
        total += v
        if len(buf) > window:
            total -= buf.popleft()
        if len(buf) == window:
            out.append(total / window)
    return out


assert moving_average([1, 2, 3, 4, 5], 2) == [1.5, 2.5, 3.5, 4.5]
assert moving_average([1, 2, 3, 4, 5], 5) == [3.0]
assert moving_average([1, 2], 3) == []
assert moving_average([10, 20, 30, 40], 1) == [10, 20, 30, 40]
print("moving averages ok")
