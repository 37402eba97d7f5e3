import unittest


def count_vowels(s):
    return sum(1 for ch in s if ch in "aeiou")


def longest_word(sentence):
    words = sentence.split()
    return max(words, key=len)


class TextTest(unittest.TestCase):
    def test_vowels_lower(self):
        self.assertEqual(count_vowels("banana"), 3)

    def test_vowels_upper(self):
        self.assertEqual(count_vowels("AEIOU are vowels"), 9)

    def test_longest(self):
        self.assertEqual(longest_word("a quick brownish fox"), "brownish")

    def test_longest_empty(self):
        self.assertEqual(longest_word(""), "")


if __name__ == "__main__":
    unittest.main()
