from itertools import groupby


def rle_encode(s):
    return "".join(f"{len(list(g))}{k}" for k, g in groupby(s))


def rle_decode(s):
    out = []
    count = ""
    for ch in s:
        if ch.isdigit():
            count += ch
        else:
            out.append(ch * int(count))
            count = ""
    return "".join(out)


cases = [
    ("", ""),
    ("a", "1a"),
    ("aaabccdddd", "3a1b2c4d"),
    ("wwwwwwwwwwwwb", "12w1b"),
]
for raw, enc in cases:
    assert rle_encode(raw) == enc, (raw, rle_encode(raw))
    assert rle_decode(enc) == raw, (enc, rle_decode(enc))
    print(f"{raw!r} <-> {enc!r}")
print("rle ok")
