def compress(s):
    """aabcccccaaa -> a2b1c5a3, but return s if not shorter."""
    if not s:
        return s
    out = []
    count = 1
    for prev, cur in zip(s, s[1:]):
        if cur == prev:
            count += 1
        else:
            out.append(f"{prev}{count}")
            count = 1
    out.append(f"{s[-1]}{count}")
    packed = "".join(out)
    return packed if len(packed) < len(s) else s


assert compress("aabcccccaaa") == "a2b1c5a3"
assert compress("abc") == "abc"
assert compress("") == ""
assert compress("aaaa") == "a4"
assert compress("aabb") == "aabb"
print("compress ok")
