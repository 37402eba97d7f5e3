def parse_binary(s):
    s = s.strip().replace("_", "")
    if s.startswith("0b"):
        s = s[2:]
    if not s or any(ch not in "01" for ch in s):
        raise ValueError(f"not binary: {s!r}")
    value = 0
    for ch in s:
        value = value * 2 + (ch == "1")
    return value


for n in range(0, 300, 7):
    assert parse_binary(bin(n)) == n
assert parse_binary("1111_0000") == 240
assert parse_binary("  101 ") == 5
for bad in ["", "0b", "102", "abc"]:
    try:
        parse_binary(bad)
    except ValueError:
        pass
    else:
        raise AssertionError(bad)
print("parse_binary ok")
