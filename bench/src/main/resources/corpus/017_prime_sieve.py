def sieve(limit):
    """Return all primes <= limit."""
    if limit < 2:
        return []
    is_prime = [True] * (limit + 1)
    is_prime[0] = is_prime[1] = False
    for i in range(2, int(limit ** 0.5)):
        if is_prime[i]:
            for j in range(i * i, limit + 1, i):
                is_prime[j] = False
    return [i for i, p in enumerate(is_prime) if p]


assert sieve(1) == []
assert sieve(2) == [2]
assert sieve(10) == [2, 3, 5, 7]
print("small sieves ok")
assert sieve(30) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
print("sieve(30) ok")
assert len(sieve(1000)) == 168
print("pi(1000) ok")
assert sieve(49)[-1] == 47, sieve(49)[-3:]
print("sieve(49) ok")
