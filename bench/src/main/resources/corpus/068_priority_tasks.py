import heapq
from dataclasses import dataclass, field


@dataclass(order=True)
class Task:
    priority: int
    seq: int
    name: str = field(compare=False)


class Scheduler:
    def __init__(self):
        self._heap = []
        self._seq = 0

    def add(self, name, priority):
        heapq.heappush(self._heap, Task(priority, self._seq, name))
        self._seq += 1

    def next(self):
        return heapq.heappop(self._heap).name

    def __bool__(self):
        return bool(self._heap)


s = Scheduler()
s.add("write report", 2)
s.add("fix prod bug", 0)
s.add("lunch", 3)
s.add("review PR", 2)
s.add("deploy", 1)
order = []
while s:
    order.append(s.next())
print(" -> ".join(order))
assert order == ["fix prod bug", "deploy", "write report", "review PR", "lunch"]
print("scheduler ok")
