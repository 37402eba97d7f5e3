import sys
import unittest


def int_to_binary(n):
    if n == 0:
        return "0"
    digits = []
    n = abs(n)
    neg = n < 0
    while n:
        digits.append(str(n % 2))
        n //= 2
    return ("-" if neg else "") + "".join(reversed(digits))


class BinaryTest(unittest.TestCase):
    def test_zero(self):
        self.assertEqual(int_to_binary(0), "0")

    def test_positive(self):
        for n in range(1, 200):
            self.assertEqual(int_to_binary(n), bin(n)[2:])

    def test_negative(self):
        self.assertEqual(int_to_binary(-5), "-101")


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    sys.exit(0 if result.wasSuccessful() else 4)
