def pascal(rows):
    tri = []
    for r in range(rows):
        row = [1] * (r + 1)
        for c in range(1, r):
            row[c] = tri[r - 1][c - 1] + tri[r - 1][c]
        tri.append(row)
    return tri


t = pascal(6)
for row in t:
    print(" ".join(map(str, row)).center(20))
assert t[0] == [1]
assert t[4] == [1, 4, 6, 4, 1]
assert t[5] == [1, 5, 10, 10, 5, 1]
assert all(sum(row) == 2 ** i for i, row in enumerate(pascal(15)))
assert pascal(0) == []
print("pascal ok")
