def digit_sum(n):
    return sum(int(d) for d in str(abs(n)))


def digital_root(n):
    while n >= 10:
        n = digit_sum(n)
    return n


assert digit_sum(0) == 0
assert digit_sum(12345) == 15
assert digit_sum(-987) == 24
print("digit_sum ok")
for n in range(1, 500):
    assert digital_root(n) == 1 + (n - 1) % 9, n
print("digital_root ok")
print("digital_root(2**100) =", digital_root(2 ** 100))
