def flatten(nested, acc=[]):
    """Flatten an arbitrarily nested list."""
    for item in nested:
        if isinstance(item, list):
            flatten(item, acc)
        else:
            acc.append(item)
    return acc


first = flatten([1, [2, [3, 4]], 5])
print("first:", first)
assert first == [1, 2, 3, 4, 5]

second = flatten([[6], 7])
print("second:", second)
assert second == [6, 7], f"expected [6, 7], got {second}"
print("flatten ok")
