def sum_of_squares(n):
    """1^2 + 2^2 + ... + n^2"""
    return sum(i * i for i in range(1, n))


def closed_form(n):
    return n * (n + 1) * (2 * n + 1) // 6


assert sum_of_squares(0) == 0
print("n=0 ok")
assert sum_of_squares(1) == 1, sum_of_squares(1)
print("n=1 ok")
for n in range(2, 100):
    assert sum_of_squares(n) == closed_form(n)
print("matches closed form")
