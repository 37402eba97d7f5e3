from collections import OrderedDict


class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.data = OrderedDict()

    def get(self, key):
        if key not in self.data:
            return None
        self.data.move_to_end(key)
        return self.data[key]

    def put(self, key, value):
        if key in self.data:
            self.data.move_to_end(key)
        self.data[key] = value
        if len(self.data) > self.capacity:
            self.data.popitem(last=False)

    def __len__(self):
        return len(self.data)


cache = LRUCache(2)
cache.put("a", 1)
cache.put("b", 2)
assert cache.get("a") == 1
cache.put("c", 3)          # evicts "b"
assert cache.get("b") is None
assert cache.get("c") == 3
cache.put("a", 10)
cache.put("d", 4)          # evicts "c"
assert cache.get("c") is None
assert cache.get("a") == 10
assert len(cache) == 2
print("LRU cache behaves correctly")
