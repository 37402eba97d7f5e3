def binary_search(items, target):
    """Return the index of target in sorted items, or -1."""
    lo, hi = 0, len(items) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


data = [1, 3, 5, 7, 9, 11, 13]

assert binary_search(data, 7) == 3
print("found middle")
assert binary_search(data, 4) == -1
print("missing value")
assert binary_search([], 1) == -1
print("empty list")
assert binary_search(data, 1) == 0
print("first element")
assert binary_search(data, 13) == 6, binary_search(data, 13)
print("last element")
print("all binary search tests passed")
