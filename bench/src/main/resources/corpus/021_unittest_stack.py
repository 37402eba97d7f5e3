import unittest


class Stack:
    def __init__(self):
        self._items = []

    def push(self, x):
        self._items.append(x)

    def pop(self):
        if not self._items:
            raise IndexError("pop from empty stack")
        return self._items.pop()

    def peek(self):
        return self._items[-1] if self._items else None

    def __len__(self):
        return len(self._items)


class StackTest(unittest.TestCase):
    def test_push_pop(self):
        s = Stack()
        s.push(1)
        s.push(2)
        self.assertEqual(s.pop(), 2)
        self.assertEqual(s.pop(), 1)

    def test_empty_pop_raises(self):
        with self.assertRaises(IndexError):
            Stack().pop()

    def test_peek(self):
        s = Stack()
        self.assertIsNone(s.peek())
        s.push("x")
        self.assertEqual(s.peek(), "x")
        self.assertEqual(len(s), 1)


if __name__ == "__main__":
    unittest.main()
