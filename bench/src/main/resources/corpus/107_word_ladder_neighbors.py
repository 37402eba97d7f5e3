import string
from collections import deque


def ladder_length(begin, end, words):
    words = set(words)
    if end not in words:
        return 0
    queue = deque([(begin, 1)])
    seen = {begin}
    while queue:
        word, dist = queue.popleft()
        if word == end:
            return dist
        for i in range(len(word)):
            for ch in string.ascii_lowercase:
                nxt = word[:i] + ch + word[i + 1:]
                if nxt in words and nxt not in seen:
                    seen.add(nxt)
                    queue.append((nxt, dist + 1))
    return 0


vocab = ["hot", "dot", "dog", "lot", "log", "cog"]
assert ladder_length("hit", "cog", vocab) == 5
assert ladder_length("hit", "cog", vocab[:-1]) == 0
assert ladder_length("hot", "hot", vocab) == 1
print("word ladder ok")
