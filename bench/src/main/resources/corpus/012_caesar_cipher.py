import string


def caesar(text, shift):
    out = []
    for ch in text:
        if ch in string.ascii_lowercase:
            out.append(chr((ord(ch) - ord("a") + shift) % 26 + ord("a")))
        elif ch in string.ascii_uppercase:
            out.append(chr((ord(ch) - ord("a") + shift) % 26 + ord("A")))
        else:
            out.append(ch)
    return "".join(out)


assert caesar("abc", 1) == "bcd"
print("lower shift ok")
assert caesar("xyz", 3) == "abc"
print("wrap ok")
assert caesar("hello, world", 13) == "uryyb, jbeyq"
print("rot13 ok")
assert caesar("Hello", 1) == "Ifmmp", caesar("Hello", 1)
print("mixed case ok")
assert caesar(caesar("Attack at Dawn", 7), -7) == "Attack at Dawn"
print("round trip ok")
