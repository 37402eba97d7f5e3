def unique(seq):
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


assert unique([3, 1, 3, 2, 1]) == [3, 1, 2]
assert unique("mississippi") == ["m", "i", "s", "p"]
assert unique([]) == []
print("unique ok")

records = [{"id": 1}, {"id": 2}, {"id": 1}]
assert unique(records) == [{"id": 1}, {"id": 2}]
print("unique dicts ok")
