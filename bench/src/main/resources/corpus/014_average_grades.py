def average(scores):
    return sum(scores) / len(scores)


def letter(avg):
    if avg >= 90:
        return "A"
    if avg >= 80:
        return "B"
    if avg >= 70:
        return "C"
    return "F"


students = {
    "ana": [95, 88, 92],
    "ben": [72, 65, 80],
    "cho": [85, 91, 79],
    "dev": [],
}

report = {}
for name, scores in students.items():
    avg = average(scores)
    report[name] = (round(avg, 2), letter(avg))
    print(name, report[name])

assert report["ana"] == (91.67, "A")
assert report["ben"][1] == "C"
print("report ok")
