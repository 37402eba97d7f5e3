import re


def format_phone(raw):
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValueError(f"invalid phone number: {raw!r}")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


cases = {
    "555-123-4567": "(555) 123-4567",
    "(555) 123 4567": "(555) 123-4567",
    "+1 555.123.4567": "(555) 123-4567",
    "5551234567": "(555) 123-4567",
}
for raw, want in cases.items():
    got = format_phone(raw)
    assert got == want, (raw, got)
    print(f"{raw!r:>20} -> {got}")

for bad in ["123", "555-123-45678", "2 555 123 4567"]:
    try:
        format_phone(bad)
    except ValueError:
        print("rejected", bad)
    else:
        raise AssertionError(f"accepted {bad!r}")
