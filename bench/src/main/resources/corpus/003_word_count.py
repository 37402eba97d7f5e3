import re
from collections import Counter

TEXT = """
The quick brown fox jumps over the lazy dog.
The dog barks; the fox runs away. A quick end!
"""


def word_counts(text):
    words = re.findall(r"[a-z']+", text.lower())
    return Counter(words)


def top_words(text, n):
    counts = word_counts(text)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


c = word_counts(TEXT)
assert c["the"] == 4, c["the"]
assert c["fox"] == 2
assert c["quick"] == 2
assert c["cat"] == 0
assert sum(c.values()) == 19, sum(c.values())
print("counts ok")

top = top_words(TEXT, 3)
assert top == [("the", 4), ("dog", 2), ("fox", 2)], top
print("top words ok:", top)
