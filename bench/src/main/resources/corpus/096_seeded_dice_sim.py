import random
from collections import Counter


def roll_totals(n_rolls, seed):
    rng = random.Random(seed)
    return Counter(rng.randint(1, 6) + rng.randint(1, 6) for _ in range(n_rolls))


totals = roll_totals(3000, seed=42)
assert set(totals) <= set(range(2, 13))
assert sum(totals.values()) == 3000
most_common_total = totals.most_common(1)[0][0]
assert most_common_total in (6, 7, 8), most_common_total
assert roll_totals(3000, seed=42) == totals, "same seed must give same result"
for t in range(2, 13):
    print(f"{t:>2} {totals[t]:>4}")
print("dice simulation ok")
