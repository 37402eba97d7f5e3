import math
from functools import reduce


def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


def lcm(a, b):
    return abs(a * b) // gcd(a, b) if a and b else 0


def lcm_many(nums):
    return reduce(lcm, nums, 1)


for a in range(0, 40):
    for b in range(0, 40):
        assert gcd(a, b) == math.gcd(a, b), (a, b)
print("gcd matches math.gcd")

assert lcm(4, 6) == 12
assert lcm(0, 5) == 0
assert lcm(-3, 7) == 21
assert lcm_many(range(1, 11)) == 2520
assert lcm_many([]) == 1
print("lcm ok")
print("done")
