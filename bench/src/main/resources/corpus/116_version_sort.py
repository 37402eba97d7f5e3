import re


def version_key(v):
    parts = re.split(r"[.-]", v)
    key = []
    for p in parts:
        key.append((0, int(p)) if p.isdigit() else (-1, p))
    return key


releases = ["1.10.0", "1.2.0", "1.2.0-rc1", "1.9.3", "0.9", "2.0.0-beta", "2.0.0"]
ordered = sorted(releases, key=version_key)
print(ordered)
assert ordered[0] == "0.9"
assert ordered.index("1.9.3") < ordered.index("1.10.0")
assert ordered.index("2.0.0-beta") < ordered.index("2.0.0"), "pre-release sorts before release"
print("version sort ok")
