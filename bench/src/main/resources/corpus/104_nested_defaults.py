def add_tag(item, tags=[]):
    tags.append(item)
    return tags


def make_matrix(rows, cols):
    row = [0] * cols
    return [row] * rows


first = add_tag("a")
assert first == ["a"]
print("first call ok")

m = make_matrix(3, 3)
m[0][0] = 1
print("matrix:", m)
assert m == [[1, 0, 0], [0, 0, 0], [0, 0, 0]], "rows should be independent"
print("matrix ok")
