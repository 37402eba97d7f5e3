def invert(d):
    """Invert a mapping; values that repeat collect all their keys."""
    out = {}
    for k, v in d.items():
        out.setdefault(v, []).append(k)
    return out


colors = {"apple": "red", "banana": "yellow", "cherry": "red", "lime": "green"}
inv = invert(colors)
assert inv == {"red": ["apple", "cherry"], "yellow": ["banana"], "green": ["lime"]}
print("invert ok")

unhashable = {"a": [1, 2], "b": [3]}
inv2 = invert(unhashable)
print("inverted lists:", inv2)
