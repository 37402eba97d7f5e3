def parse_duration(text):
    """Parse strings like '1h30m', '45s', '2h5s' into seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, num = 0, ""
    for ch in text:
        if ch.isdigit():
            num += ch
        elif ch in units:
            if not num:
                raise ValueError(f"missing number before {ch!r}")
            total += int(num) * units[ch]
            num = ""
        else:
            raise ValueError(f"bad character {ch!r}")
    if num:
        raise ValueError("trailing number without unit")
    return total


def format_duration(seconds):
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


assert parse_duration("1h30m") == 5400
assert parse_duration("45s") == 45
assert parse_duration("2h5s") == 7205
assert format_duration(5400) == "01:30:00"
assert format_duration(7205) == "02:00:05"
for bad in ("h", "10", "5x"):
    try:
        parse_duration(bad)
    except ValueError as e:
        print("rejected", repr(bad), "-", e)
    else:
        raise AssertionError(bad)
print("durations ok")
