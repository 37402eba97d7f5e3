def step(live):
    """One generation of Conway's Game of Life on an unbounded grid."""
    counts = {}
    for (x, y) in live:
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if dx or dy:
                    key = (x + dx, y + dy)
                    counts[key] = counts.get(key, 0) + 1
    return {cell for cell, n in counts.items() if n == 3 or (n == 2 and cell in live)}


def render(live, w, h):
    return "\n".join("".join("#" if (x, y) in live else "." for x in range(w)) for y in range(h))


blinker = {(1, 0), (1, 1), (1, 2)}
assert step(blinker) == {(0, 1), (1, 1), (2, 1)}
assert step(step(blinker)) == blinker
print("blinker oscillates")

block = {(0, 0), (0, 1), (1, 0), (1, 1)}
assert step(block) == block
print("block is stable")

glider = {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}
g = glider
for _ in range(4):
    g = step(g)
assert g == {(x + 1, y + 1) for (x, y) in glider}
print(render(g, 5, 5))
print("glider moved diagonally")
