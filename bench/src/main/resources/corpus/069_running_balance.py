from itertools import accumulate

TRANSACTIONS = [
    ("2024-01-01", "opening", 1000),
    ("2024-01-03", "rent", -750),
    ("2024-01-05", "salary", 2500),
    ("2024-01-09", "groceries", -120),
    ("2024-01-15", "car", -1800),
    ("2024-01-20", "refund", 40),
]


def running_balances(txns):
    return list(accumulate(amount for _, _, amount in txns))


def first_overdraft(txns):
    for (day, label, _), bal in zip(txns, running_balances(txns)):
        if bal < 0:
            return day, label
    return None


bal = running_balances(TRANSACTIONS)
print("balances:", bal)
assert bal[-1] == 870
assert first_overdraft(TRANSACTIONS) is None
assert first_overdraft(TRANSACTIONS + [("2024-01-31", "tv", -2000)]) == ("2024-01-31", "tv")
print("running balance ok")
