def count_substring_anagrams(text, pattern):
    """Count windows of text that are anagrams of pattern."""
    k = len(pattern)
    target = sorted(pattern)
    count = 0
    for i in range(len(text) - k):
        if sorted(text[i:i + k]) == target:
            count += 1
    return count


assert count_substring_anagrams("cbaebabacd", "abc") == 2
print("example 1 ok")
assert count_substring_anagrams("abab", "ab") == 3, count_substring_anagrams("abab", "ab")
print("example 2 ok")
