def percent_change(old, new):
    return (new - old) / old * 100


PRICES = [("2024-01", 100.0), ("2024-02", 110.0), ("2024-03", 99.0), ("2024-04", 0.0),
          ("2024-05", 50.0)]

changes = []
for (m1, p1), (m2, p2) in zip(PRICES, PRICES[1:]):
    pct = percent_change(p1, p2)
    changes.append(round(pct, 1))
    print(f"{m1} -> {m2}: {pct:+.1f}%")

assert changes[:3] == [10.0, -10.0, -100.0]
print("changes ok")
