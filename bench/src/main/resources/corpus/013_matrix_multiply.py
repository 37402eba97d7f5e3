def matmul(a, b):
    rows, inner, cols = len(a), len(b), len(b[0])
    if any(len(r) != inner for r in a):
        raise ValueError("shape mismatch")
    return [[sum(a[i][k] * b[k][j] for k in range(inner)) for j in range(cols)]
            for i in range(rows)]


def identity(n):
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]


def transpose(m):
    return [list(col) for col in zip(*m)]


A = [[1, 2], [3, 4]]
B = [[5, 6], [7, 8]]
assert matmul(A, B) == [[19, 22], [43, 50]]
assert matmul(A, identity(2)) == A
assert matmul([[1, 2, 3]], [[4], [5], [6]]) == [[32]]
assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]
print("matmul ok")

try:
    matmul([[1, 2]], [[1, 2]])
except ValueError as e:
    print("shape error raised:", e)
else:
    raise AssertionError("expected ValueError")

# (AB)^T == B^T A^T
assert transpose(matmul(A, B)) == matmul(transpose(B), transpose(A))
print("transpose identity ok")
