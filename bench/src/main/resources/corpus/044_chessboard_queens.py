def solve_n_queens(n):
    solutions = []
    cols, diag1, diag2 = set(), set(), set()
    placement = []

    def place(row):
        if row == n:
            solutions.append(list(placement))
            return
        for c in range(n):
            if c in cols or (row - c) in diag1 or (row + c) in diag2:
                continue
            cols.add(c); diag1.add(row - c); diag2.add(row + c)
            placement.append(c)
            place(row + 1)
            placement.pop()
            cols.remove(c); diag1.remove(row - c); diag2.remove(row + c)

    place(0)
    return solutions


expected = {1: 1, 2: 0, 3: 0, 4: 2, 5: 10, 6: 4, 7: 40}
for n, count in expected.items():
    got = len(solve_n_queens(n))
    assert got == count, (n, got)
    print(f"{n}-queens: {got} solutions")
assert solve_n_queens(4)[0] == [1, 3, 0, 2]
print("n-queens ok")
