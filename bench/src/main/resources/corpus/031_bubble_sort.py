def bubble_sort(seq):
    a = list(seq)
    n = len(a)
    for i in range(n):
        swapped = False
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swapped = True
        if not swapped:
            break
    return a


cases = [
    [],
    [1],
    [2, 1],
    [5, 1, 4, 2, 8],
    [3, 3, 2, 1, 1],
    list(range(20, 0, -1)),
]
for c in cases:
    assert bubble_sort(c) == sorted(c), c
    print("sorted", len(c), "items")
print("bubble sort ok")
