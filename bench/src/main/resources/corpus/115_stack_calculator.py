def eval_rpn(tokens):
    stack = []
    ops = {
        "+": lambda a, b: a + b,
        "-": lambda a, b: a - b,
        "*": lambda a, b: a * b,
        "/": lambda a, b: a / b,
    }
    for tok in tokens.split():
        if tok in ops:
            a = stack.pop()
            b = stack.pop()
            stack.append(ops[tok](a, b))
        else:
            stack.append(float(tok))
    return stack.pop()


assert eval_rpn("3 4 +") == 7
print("add ok")
assert eval_rpn("2 3 4 * +") == 14
print("mul ok")
assert eval_rpn("10 2 -") == 8, eval_rpn("10 2 -")
print("sub ok")
assert eval_rpn("20 4 /") == 5
print("div ok")
