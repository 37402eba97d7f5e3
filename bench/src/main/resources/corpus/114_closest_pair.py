import math


def closest_pair(points):
    """Return the smallest distance between any two points (sorted sweep)."""
    pts = sorted(points)
    best = math.inf
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            if pts[j][0] - pts[i][0] >= best:
                break
            best = min(best, math.dist(pts[i], pts[j]))
    return best


def brute(points):
    return min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1:])


pts = [((i * 7919) % 101, (i * 104729) % 97) for i in range(60)]
assert closest_pair(pts) == brute(pts)
assert closest_pair([(0, 0), (3, 4)]) == 5.0
assert closest_pair([(0, 0)]) == math.inf
print("closest pair distance:", round(closest_pair(pts), 4))
