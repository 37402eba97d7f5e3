from functools import lru_cache


@lru_cache(maxsize=None)
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def fib_iter(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


for n in range(60):
    assert fib(n) == fib_iter(n), n
print("recursive and iterative agree up to 59")
assert fib(10) == 55
assert fib(50) == 12586269025
print("fib(90) =", fib(90))
