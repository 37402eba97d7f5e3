import sys
import unittest


class RingBuffer:
    def __init__(self, size):
        self.size = size
        self.data = [None] * size
        self.start = 0
        self.count = 0

    def push(self, x):
        idx = (self.start + self.count) % self.size
        self.data[idx] = x
        if self.count < self.size:
            self.count += 1
        else:
            self.start = (self.start + 1) % self.size

    def items(self):
        return [self.data[(self.start + i) % self.size] for i in range(self.count)]


class RingBufferTest(unittest.TestCase):
    def test_partial(self):
        rb = RingBuffer(3)
        rb.push(1)
        rb.push(2)
        self.assertEqual(rb.items(), [1, 2])

    def test_overwrite(self):
        rb = RingBuffer(3)
        for i in range(5):
            rb.push(i)
        self.assertEqual(rb.items(), [2, 3, 4])


if __name__ == "__main__":
    ok = unittest.main(exit=False, verbosity=0).result.wasSuccessful()
    print("ring buffer:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 3)
