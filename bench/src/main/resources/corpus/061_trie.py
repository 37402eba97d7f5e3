class Trie:
    def __init__(self):
        self.root = {}

    def insert(self, word):
        node = self.root
        for ch in word:
            node = node.setdefault(ch, {})
        node["$"] = True

    def contains(self, word):
        node = self.root
        for ch in word:
            if ch not in node:
                return False
            node = node[ch]
        return True

    def with_prefix(self, prefix):
        node = self.root
        for ch in prefix:
            if ch not in node:
                return []
            node = node[ch]
        out = []

        def walk(n, acc):
            for k, child in sorted(n.items()):
                if k == "$":
                    out.append(acc)
                else:
                    walk(child, acc + k)
        walk(node, prefix)
        return out


t = Trie()
for w in ["car", "card", "care", "cart", "cat", "dog"]:
    t.insert(w)
assert t.with_prefix("car") == ["car", "card", "care", "cart"]
assert t.with_prefix("d") == ["dog"]
assert t.with_prefix("x") == []
print("prefix search ok")
assert t.contains("cat")
assert not t.contains("cow")
assert not t.contains("ca"), "'ca' is only a prefix, not a word"
print("contains ok")
