import math
from collections import namedtuple

Point = namedtuple("Point", "x y")


def distance(a, b):
    return math.hypot(a.x - b.x, a.y - b.y)


def centroid(points):
    n = len(points)
    return Point(sum(p.x for p in points) / n, sum(p.y for p in points) / n)


def perimeter(poly):
    return sum(distance(poly[i], poly[(i + 1) % len(poly)]) for i in range(len(poly)))


square = [Point(0, 0), Point(4, 0), Point(4, 4), Point(0, 4)]
assert distance(Point(0, 0), Point(3, 4)) == 5.0
assert centroid(square) == Point(2.0, 2.0)
assert perimeter(square) == 16.0
tri = [Point(0, 0), Point(3, 0), Point(0, 4)]
assert math.isclose(perimeter(tri), 12.0)
print("geometry ok:", centroid(tri))
