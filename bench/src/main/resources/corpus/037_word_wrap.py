def wrap(text, width):
    lines, current = [], ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


txt = "the quick brown fox jumps over the lazy dog"
out = wrap(txt, 10)
for line in out:
    print(f"|{line:<10}|")
assert out == ["the quick", "brown fox", "jumps over", "the lazy", "dog"]
assert all(len(l) <= 10 for l in out)
assert wrap("", 5) == []
assert wrap("supercalifragilistic", 5) == ["supercalifragilistic"]
print("wrap ok")
