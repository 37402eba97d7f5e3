GRID = """\
11000
11000
00100
00011
10001
"""


def count_islands(text):
    grid = [list(row) for row in text.splitlines()]
    rows, cols = len(grid), len(grid[0]) if grid else 0
    seen = set()

    def flood(r, c):
        stack = [(r, c)]
        while stack:
            r, c = stack.pop()
            if (r, c) in seen or not (0 <= r < rows and 0 <= c < cols) or grid[r][c] != "1":
                continue
            seen.add((r, c))
            stack.extend([(r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)])

    count = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "1" and (r, c) not in seen:
                count += 1
                flood(r, c)
    return count


assert count_islands(GRID) == 4
assert count_islands("") == 0
assert count_islands("111\n101\n111") == 1
assert count_islands("101\n010\n101") == 5
print("islands ok")
