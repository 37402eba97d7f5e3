import re

PATTERN = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*°?\s*([CFK])\s*$", re.IGNORECASE)


def to_kelvin(text):
    m = PATTERN.match(text)
    if not m:
        raise ValueError(f"cannot parse {text!r}")
    value, unit = float(m.group(1)), m.group(2).upper()
    if unit == "C":
        return value + 273.15
    if unit == "F":
        return (value - 32) * 5 / 9 + 273.15
    return value


assert to_kelvin("0 C") == 273.15
assert to_kelvin("100°C") == 373.15
assert round(to_kelvin("32F"), 2) == 273.15
assert to_kelvin("5 k") == 5
print("basic units ok")
assert round(to_kelvin("-40 F"), 2) == 233.15
print("negative ok")
assert to_kelvin("+12 C") == 285.15, "explicit plus sign should be accepted"
print("plus sign ok")
