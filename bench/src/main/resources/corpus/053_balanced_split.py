def split_evenly(total, parts):
    """Split an integer amount into `parts` integers that differ by at most 1."""
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


assert split_evenly(10, 3) == [4, 3, 3]
assert split_evenly(9, 3) == [3, 3, 3]
assert split_evenly(2, 4) == [1, 1, 0, 0]
assert split_evenly(0, 2) == [0, 0]
for total in range(0, 50):
    for parts in range(1, 8):
        s = split_evenly(total, parts)
        assert sum(s) == total and max(s) - min(s) <= 1
print("split_evenly ok")

# split a bill of 100.00 among 3 people, in cents
cents = split_evenly(10000, 3)
print("shares:", [c / 100 for c in cents])
assert cents == [3334, 3333, 3333]
