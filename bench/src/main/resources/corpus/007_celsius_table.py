def c_to_f(c):
    return c * 9 / 5 + 32


def f_to_c(f):
    return (f - 32) * 5 / 9


def table(start, stop, step):
    rows = []
    c = start
    while c <= stop:
        rows.append((c, round(c_to_f(c), 1)))
        c += step
    return rows


assert c_to_f(0) == 32
assert c_to_f(100) == 212
assert c_to_f(-40) == -40
assert abs(f_to_c(98.6) - 37.0) < 1e-9
print("conversions ok")

t = table(-10, 30, 10)
assert t == [(-10, 14.0), (0, 32.0), (10, 50.0), (20, 68.0), (30, 86.0)], t
for c, f in t:
    print(f"{c:>4} C = {f:>5} F")
print("table ok")
