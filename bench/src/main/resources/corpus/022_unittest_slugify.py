import re
import unittest


def slugify(title):
    s = title.strip().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s


class SlugifyTest(unittest.TestCase):
    def test_simple(self):
        self.assertEqual(slugify("Hello World"), "hello-world")

    def test_punctuation(self):
        self.assertEqual(slugify("C'est la vie!"), "c-est-la-vie")

    def test_multiple_spaces(self):
        self.assertEqual(slugify("a   b"), "a-b")

    def test_digits(self):
        self.assertEqual(slugify("Top 10 Tips"), "top-10-tips")


if __name__ == "__main__":
    unittest.main(verbosity=2)
