def compare_versions(a, b):
    """Return -1, 0 or 1 comparing dotted version strings."""
    if a < b:
        return -1
    if a > b:
        return 1
    return 0


assert compare_versions("1.0", "1.0") == 0
print("equal ok")
assert compare_versions("1.2", "1.3") == -1
print("minor ok")
assert compare_versions("2.0", "1.9") == 1
print("major ok")
assert compare_versions("1.10", "1.9") == 1, "1.10 is newer than 1.9"
print("multi-digit ok")
