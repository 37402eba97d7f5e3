def parse_kv(text):
    """Parse 'a=1; b=2; c=3' into a dict of ints."""
    result = {}
    for part in text.split(";"):
        key, value = part.split("=")
        result[key.strip()] = int(value)
    return result


assert parse_kv("a=1; b=2; c=3") == {"a": 1, "b": 2, "c": 3}
print("basic ok")
assert parse_kv("x = 10") == {"x": 10}
print("spaces ok")
assert parse_kv("a=1; b=2;") == {"a": 1, "b": 2}
print("trailing separator ok")
