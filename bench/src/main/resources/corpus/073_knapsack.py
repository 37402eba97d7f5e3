def knapsack(items, capacity):
    """0/1 knapsack: items are (weight, value). Returns best value and chosen indices."""
    n = len(items)
    dp = [[0] * (capacity + 1) for _ in range(n + 1)]
    for i, (w, v) in enumerate(items, 1):
        for c in range(capacity + 1):
            dp[i][c] = dp[i - 1][c]
            if w <= c and dp[i - 1][c - w] + v > dp[i][c]:
                dp[i][c] = dp[i - 1][c - w] + v
    chosen, c = [], capacity
    for i in range(n, 0, -1):
        if dp[i][c] != dp[i - 1][c]:
            chosen.append(i - 1)
            c -= items[i - 1][0]
    return dp[n][capacity], sorted(chosen)


items = [(1, 1), (3, 4), (4, 5), (5, 7)]
assert knapsack(items, 7) == (9, [1, 2])
assert knapsack(items, 0) == (0, [])
assert knapsack([], 10) == (0, [])
assert knapsack([(10, 100)], 9) == (0, [])
best, chosen = knapsack([(12, 4), (2, 2), (1, 1), (1, 2), (4, 10)], 15)
assert best == 15 and chosen == [1, 2, 3, 4]
print("knapsack ok:", best, chosen)
