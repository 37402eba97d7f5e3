class Queue:
    """FIFO queue implemented with two stacks."""

    def __init__(self):
        self._in = []
        self._out = []

    def enqueue(self, item):
        self._in.append(item)

    def dequeue(self):
        if not self._out:
            while self._in:
                self._out.append(self._in.pop())
        if not self._out:
            raise IndexError("dequeue from empty queue")
        return self._out.pop()

    def __len__(self):
        return len(self._in) + len(self._out)


q = Queue()
for i in range(5):
    q.enqueue(i)
assert [q.dequeue() for _ in range(3)] == [0, 1, 2]
q.enqueue(5)
q.enqueue(6)
assert len(q) == 4
assert [q.dequeue() for _ in range(4)] == [3, 4, 5, 6]
try:
    q.dequeue()
    raise AssertionError("expected IndexError")
except IndexError:
    pass
print("queue via two stacks ok")
