import bisect

BREAKPOINTS = [60, 70, 80, 90]
GRADES = "FDCBA"


def grade(score):
    return GRADES[bisect.bisect_left(BREAKPOINTS, score)]


scores = [33, 99, 77, 70, 89, 90, 100, 59, 60]
result = [grade(s) for s in scores]
print(list(zip(scores, result)))
assert grade(33) == "F"
assert grade(99) == "A"
assert grade(77) == "C"
assert grade(70) == "C", f"70 should be a C, got {grade(70)}"
print("grades ok")
