from itertools import islice


def chunked(iterable, size):
    it = iter(iterable)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
assert list(chunked([], 3)) == []
assert list(chunked("abcd", 2)) == [["a", "b"], ["c", "d"]]
print("chunked ok")

try:
    list(chunked(range(3), 0))
except ValueError:
    print("size 0 rejected")
else:
    raise AssertionError("chunked(..., 0) should raise ValueError")
