PEOPLE = [
    {"name": "Zoe", "age": "34"},
    {"name": "adam", "age": "9"},
    {"name": "Mia", "age": "27"},
    {"name": "bob", "age": "101"},
]


def by_age(people):
    return [p["name"] for p in sorted(people, key=lambda p: p["age"])]


def by_name(people):
    return [p["name"] for p in sorted(people, key=lambda p: p["name"].lower())]


assert by_name(PEOPLE) == ["adam", "bob", "Mia", "Zoe"]
print("by name ok")
ages = by_age(PEOPLE)
print("by age:", ages)
assert ages == ["adam", "Mia", "Zoe", "bob"]
print("by age ok")
