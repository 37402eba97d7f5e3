import random


def random_walk(steps, rng):
    pos = 0
    path = [pos]
    for _ in range(steps):
        pos += rng.choice((-1, 1))
        path.append(pos)
    return path


rng = random.Random(7)
path = random_walk(200, rng)
assert len(path) == 201
assert all(abs(b - a) == 1 for a, b in zip(path, path[1:]))
assert path[-1] % 2 == 0, "after an even number of steps the position is even"
print("final position:", path[-1], "max:", max(path), "min:", min(path))
assert max(path) >= 0 >= min(path)
print("random walk ok")
