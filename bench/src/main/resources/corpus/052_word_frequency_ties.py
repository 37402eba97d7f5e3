def rank_words(words):
    """Rank by frequency (desc), ties broken alphabetically."""
    freq = {}
    for w in words:
        freq[w] = freq.get(w, 0) + 1
    return sorted(freq, key=lambda w: (freq[w], w), reverse=True)


words = "pear apple fig apple pear kiwi apple fig pear date".split()
ranking = rank_words(words)
print("ranking:", ranking)

# apple and pear both appear three times, fig twice, the rest once
assert set(ranking[:2]) == {"apple", "pear"}
assert ranking[2] == "fig"
assert len(ranking) == 5
assert ranking == ["apple", "pear", "fig", "date", "kiwi"], ranking
print("ranking ok")
