from collections import defaultdict


def group_by_length(words):
    groups = defaultdict(list)
    for w in words:
        groups[len(w)].append(w)
    return groups


words = ["a", "to", "tea", "ted", "ten", "i", "in", "inn"]
g = group_by_length(words)
assert g[1] == ["a", "i"]
assert g[3] == ["tea", "ted", "ten", "inn"]
assert 4 not in g
assert len(g) == 3, f"lookup of a missing key must not create it: {dict(g)}"
print("grouping ok")
print("lengths:", sorted(g))
