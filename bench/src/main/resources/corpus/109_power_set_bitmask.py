def power_set(items):
    n = len(items)
    out = []
    for mask in range(1 << n):
        out.append([items[i] for i in range(n) if mask >> i & 1])
    return out


ps = power_set(["a", "b", "c"])
print(ps)
assert len(ps) == 8
assert [] in ps and ["a", "b", "c"] in ps
assert power_set([]) == [[]]
assert sorted(map(len, power_set(list(range(5))))) == sorted(
    [0] + [1] * 5 + [2] * 10 + [3] * 10 + [4] * 5 + [5])
print("power set ok")
