from fractions import Fraction


def harmonic(n):
    return sum(Fraction(1, k) for k in range(1, n + 1))


def egyptian(frac):
    """Greedy Egyptian fraction decomposition."""
    parts = []
    while frac > 0:
        d = -(-frac.denominator // frac.numerator)
        parts.append(Fraction(1, d))
        frac -= Fraction(1, d)
    return parts


assert harmonic(1) == 1
assert harmonic(4) == Fraction(25, 12)
print("H(10) =", harmonic(10))
assert egyptian(Fraction(2, 3)) == [Fraction(1, 2), Fraction(1, 6)]
assert egyptian(Fraction(4, 13)) == [Fraction(1, 4), Fraction(1, 18), Fraction(1, 468)]
assert sum(egyptian(Fraction(7, 15))) == Fraction(7, 15)
print("egyptian fractions ok")
