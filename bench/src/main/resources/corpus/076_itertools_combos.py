from itertools import combinations, permutations, product


def subsets_with_sum(nums, target):
    out = []
    for r in range(len(nums) + 1):
        for combo in combinations(nums, r):
            if sum(combo) == target:
                out.append(combo)
    return out


def pin_codes(digits, length):
    return ["".join(p) for p in product(digits, repeat=length)]


assert subsets_with_sum([1, 2, 3, 4, 5], 5) == [(5,), (1, 4), (2, 3)]
assert subsets_with_sum([], 0) == [()]
assert len(pin_codes("01", 3)) == 8
assert pin_codes("ab", 2) == ["aa", "ab", "ba", "bb"]
words = {"".join(p) for p in permutations("tea")}
assert words == {"tea", "tae", "eta", "eat", "ate", "aet"}
print("itertools ok")
