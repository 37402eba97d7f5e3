class Team:
    members = []

    def __init__(self, name):
        self.name = name

    def join(self, person):
        self.members.append(person)
        return self


red = Team("red").join("ann").join("bo")
blue = Team("blue").join("cy")

print("red:", red.members)
print("blue:", blue.members)
assert red.members == ["ann", "bo"]
assert blue.members == ["cy"], f"blue has {blue.members}"
print("teams ok")
