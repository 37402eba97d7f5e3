def is_palindrome(s):
    """Case-insensitive palindrome check ignoring non-alphanumerics."""
    cleaned = [ch.lower() for ch in s if ch.isalnum()]
    return cleaned == cleaned[::-1]


def longest_palindromic_substring(s):
    best = ""
    for center in range(len(s)):
        for lo, hi in ((center, center), (center, center + 1)):
            while lo >= 0 and hi < len(s) and s[lo] == s[hi]:
                lo -= 1
                hi += 1
            if hi - lo - 1 > len(best):
                best = s[lo + 1:hi]
    return best


assert is_palindrome("A man, a plan, a canal: Panama")
assert is_palindrome("")
assert not is_palindrome("hello")
assert is_palindrome("No 'x' in Nixon")
print("is_palindrome ok")

assert longest_palindromic_substring("babad") in ("bab", "aba")
assert longest_palindromic_substring("cbbd") == "bb"
assert longest_palindromic_substring("a") == "a"
assert longest_palindromic_substring("") == ""
assert longest_palindromic_substring("forgeeksskeegfor") == "geeksskeeg"
print("longest palindromic substring ok")
