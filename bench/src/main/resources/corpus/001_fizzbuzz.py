def fizzbuzz(n):
    """Return the FizzBuzz word for n."""
    if n % 15 == 0:
        return "FizzBuzz"
    if n % 3 == 0:
        return "Fizz"
    if n % 5 == 0:
        return "Buzz"
    return str(n)


def sequence(limit):
    return [fizzbuzz(i) for i in range(1, limit + 1)]


checks = [
    (fizzbuzz(1), "1"),
    (fizzbuzz(3), "Fizz"),
    (fizzbuzz(5), "Buzz"),
    (fizzbuzz(15), "FizzBuzz"),
    (fizzbuzz(30), "FizzBuzz"),
    (fizzbuzz(98), "98"),
    (len(sequence(100)), 100),
    (sequence(5), ["1", "2", "Fizz", "4", "Buzz"]),
]

for i, (got, want) in enumerate(checks, 1):
    assert got == want, f"check {i}: {got!r} != {want!r}"
    print(f"ok {i}")

print("fizzbuzz: all", len(checks), "checks passed")
