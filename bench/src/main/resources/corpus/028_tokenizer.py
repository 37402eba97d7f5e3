import re

TOKEN_RE = re.compile(r"\s*(?:(\d+\.?\d*)|(.))")


def tokenize(expr):
    tokens = []
    for number, op in TOKEN_RE.findall(expr):
        if number:
            tokens.append(("NUM", float(number)))
        elif op.strip():
            tokens.append(("OP", op))
    return tokens


assert tokenize("1 + 2") == [("NUM", 1.0), ("OP", "+"), ("NUM", 2.0)]
print("simple ok")
assert tokenize("(3.5*4)") == [("OP", "("), ("NUM", 3.5), ("OP", "*"), ("NUM", 4.0), ("OP", ")")]
print("parens ok")
assert tokenize("") == []
print("empty ok")
assert tokenize("10/ 2 -1") == [("NUM", 10.0), ("OP", "/"), ("NUM", 2.0), ("OP", "-"), ("NUM", 1.0)]
print("spacing ok")
assert tokenize(".5 + 1") == [("NUM", 0.5), ("OP", "+"), ("NUM", 1.0)], tokenize(".5 + 1")
print("leading dot ok")
