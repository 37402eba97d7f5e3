def levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def closest(word, vocab):
    return min(vocab, key=lambda v: (levenshtein(word, v), v))


assert levenshtein("kitten", "sitting") == 3
assert levenshtein("", "abc") == 3
assert levenshtein("flaw", "lawn") == 2
assert levenshtein("same", "same") == 0
vocab = ["apple", "apply", "ample", "maple", "angle"]
assert closest("appel", vocab) == "apple"
assert closest("mapel", vocab) == "maple"
print("levenshtein ok")
