def read_numbers(lines):
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        yield int(line)


def total_and_count(numbers):
    total = sum(numbers)
    count = sum(1 for _ in numbers)
    return total, count


DATA = """
# readings
10
20

30
# end
""".splitlines()

assert list(read_numbers(DATA)) == [10, 20, 30]
print("parsing ok")
total, count = total_and_count(read_numbers(DATA))
print("total:", total, "count:", count)
assert (total, count) == (60, 3)
print("mean:", total / count)
