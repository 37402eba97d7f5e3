PAIRS = {")": "(", "]": "[", "}": "{"}


def balanced(expr):
    stack = []
    for ch in expr:
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS:
            if not stack or stack.pop() != PAIRS[ch]:
                return False
    return True


tests = [
    ("()", True),
    ("([]{})", True),
    ("(]", False),
    ("", True),
    ("a(b[c]d)e", True),
    ("}{", False),
    ("((", False),
]

passed = 0
for expr, expected in tests:
    result = balanced(expr)
    assert result == expected, f"balanced({expr!r}) -> {result}, expected {expected}"
    passed += 1
    print(f"pass: {expr!r}")
print(f"{passed}/{len(tests)} passed")
