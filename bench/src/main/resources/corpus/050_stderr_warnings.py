import sys
import warnings


def safe_ratio(a, b):
    if b == 0:
        warnings.warn(f"division by zero for {a}/{b}, returning 0")
        return 0.0
    return a / b


pairs = [(1, 2), (3, 0), (10, 4), (0, 5)]
results = [safe_ratio(a, b) for a, b in pairs]
assert results == [0.5, 0.0, 2.5, 0.0]
print("ratios:", results)
print("processed", len(pairs), "pairs", file=sys.stderr)
