def popcount(n):
    count = 0
    while n:
        n &= n - 1
        count += 1
    return count


def is_power_of_two(n):
    return n > 0 and n & (n - 1) == 0


def reverse_bits8(b):
    out = 0
    for _ in range(8):
        out = (out << 1) | (b & 1)
        b >>= 1
    return out


for n in range(1024):
    assert popcount(n) == bin(n).count("1")
print("popcount ok")
assert [n for n in range(70) if is_power_of_two(n)] == [1, 2, 4, 8, 16, 32, 64]
print("power of two ok")
assert reverse_bits8(0b00000001) == 0b10000000
assert reverse_bits8(0b11010000) == 0b00001011
assert all(reverse_bits8(reverse_bits8(b)) == b for b in range(256))
print("reverse bits ok")
